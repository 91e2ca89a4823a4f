#!/usr/bin/env node
// CommonJS (bin/package.json): starting node on an ES module costs ~10 ms more, measured
// with bench/scaffold.mjs, and a scaffold takes ~150 ms in all.
'use strict';

require('../dist/index.cjs')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
