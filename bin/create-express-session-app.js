#!/usr/bin/env node
// CommonJS (bin/package.json): node starts a CommonJS entry faster than an ES module one.
'use strict';

require('../dist/index.cjs')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
