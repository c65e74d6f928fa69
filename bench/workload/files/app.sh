#!/bin/sh
# kbench application launcher (a stand-in)
set -eu
. "$(dirname "$0")/../../../etc/app/app.env"
exec sleep infinity
