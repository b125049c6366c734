import t from 'tap';
import { interpreterFromShebang } from '../../../src/formats/deb/interpreter-from-shebang.js';

t.test('interpreter from the #! line, as the kernel splits it', async (t) => {
  const cases: Array<[string, unknown]> = [
    ['#!/bin/sh\nset -e\n', { kind: 'sh', argv: ['/bin/sh'] }],
    ['#! /bin/sh -e\n', { kind: 'sh', argv: ['/bin/sh', '-e'] }],
    ['#!/bin/sh -e -x\n', { kind: 'sh', argv: ['/bin/sh', '-e -x'] }],
    ['#!/bin/bash\n', { kind: 'bash', argv: ['/bin/bash'] }],
    ['#!/usr/bin/perl -w\n', { kind: 'perl', argv: ['/usr/bin/perl', '-w'] }],
    ['#!/usr/bin/python3\n', { kind: 'python', argv: ['/usr/bin/python3'] }],
    ['#!/usr/bin/env python3.11\n', { kind: 'python', argv: ['/usr/bin/env', 'python3.11'] }],
    ['#!/usr/bin/env -S perl -w\n', { kind: 'perl', argv: ['/usr/bin/env', '-S perl -w'] }],
    ['#!/bin/dash', { kind: 'sh', argv: ['/bin/dash'] }],
    ['#!/usr/bin/ruby\n', { kind: 'other', argv: ['/usr/bin/ruby'] }],
    ['#!\n', { kind: 'other', argv: [] }],
    ['set -e\necho no shebang\n', { kind: 'sh', argv: ['/bin/sh'] }],
    ['', { kind: 'sh', argv: ['/bin/sh'] }],
  ];
  for (const [body, want] of cases) t.same(interpreterFromShebang(body), want, JSON.stringify(body.split('\n')[0]));
});
