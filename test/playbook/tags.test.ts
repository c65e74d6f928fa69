import { expect } from 'chai';
import { parseTagList, tagsSelect } from '../../src/playbook/tags.js';

describe('tags', () => {
  const f = (only: string[], skip: string[] = []) => ({ only, skip });
  const cases: [string[], ReturnType<typeof f>, boolean][] = [
    [[], f([]), true],
    [['etcd'], f([]), true],
    [['etcd'], f(['etcd']), true],
    [['etcd'], f(['prepare']), false],
    [[], f(['etcd']), false],
    [['always'], f(['etcd']), true],
    [['always'], f(['etcd'], ['always']), false],
    [['never'], f([]), false],
    [['never', 'debug'], f(['debug']), true],
    [['never', 'debug'], f(['all']), false],
    [['never'], f(['never']), true],
    [[], f(['untagged']), true],
    [['x'], f(['untagged']), false],
    [['x'], f(['tagged']), true],
    [[], f(['tagged']), false],
    [['etcd'], f([], ['etcd']), false],
    [['always'], f([], ['all']), true],
    [['always'], f([], ['all', 'always']), false],
    [['x'], f([], ['tagged']), false],
    [[], f([], ['tagged']), true],
  ];
  for (const [tags, filter, want] of cases) {
    it(
      `tags ${JSON.stringify(tags)} with --tags ${filter.only.join(',') || '(all)'} ` +
        `--skip-tags ${filter.skip.join(',') || '-'} → ${want ? 'runs' : 'skipped'}`,
      () => {
        expect(tagsSelect(tags, filter)).to.equal(want);
      },
    );
  }
  it('splits comma lists from repeated options', () => {
    expect(parseTagList(['etcd,prepare', ' kube-lb '])).to.deep.equal(['etcd', 'prepare', 'kube-lb']);
  });
});
