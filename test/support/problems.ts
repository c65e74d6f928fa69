// Reads a playbook tree written to a temp folder and returns every problem found before a run, with its file
// (relative), line, column, message and code.
import { expect } from 'chai';
import { join } from 'node:path';
import { Problems } from '../../src/core/errors.js';
import { readPlaybook } from '../../src/playbook/playbook.js';
import { validatePlaybook } from '../../src/check/validate.js';
import { writeTree } from './tree.js';

export function problems(files: Record<string, string>, entry = 'site.yml') {
  const dir = writeTree(files);
  const p = new Problems();
  const pb = readPlaybook(join(dir, entry), p);
  validatePlaybook(pb, p);
  return p.list.map((e) => ({
    file: e.loc?.file.slice(dir.length + 1),
    line: e.loc?.line,
    col: e.loc?.col,
    msg: e.message,
    code: e.code,
    text: e.format(),
  }));
}

export function one(files: Record<string, string>, entry = 'site.yml') {
  const list = problems(files, entry);
  expect(list, JSON.stringify(list, null, 1)).to.have.length(1);
  return list[0]!;
}

export const play = (tasks: string) => `- hosts: all\n  tasks:\n${tasks}`;
