// kplay's own PKI modules (not Ansible's): pki_ca, pki_cert, pki_keypair and pki_kubeconfig make the
// certificates, keys and kubeconfigs of a Kubernetes cluster; pki_trust and pki_ca_rollover replace a CA. Keys
// and certificates are made in the plan, in memory (so check mode writes nothing), and written by the engine's
// atomic put; a second plan reads them back and finds nothing to do. Every private key read or made is
// registered as a secret, and --diff never shows key material.
import { pki_ca } from './ca.js';
import { pki_cert } from './cert.js';
import { pki_keypair } from './keypair.js';
import { pki_kubeconfig } from './kubeconfig.js';
import { pki_ca_rollover } from './rollover.js';
import { pki_trust } from './trust.js';

export const modules = [pki_ca, pki_cert, pki_keypair, pki_kubeconfig, pki_trust, pki_ca_rollover];
