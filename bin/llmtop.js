#!/usr/bin/env node
// React's production build renders about twice as fast; set before React is loaded.
process.env.NODE_ENV ??= 'production';
await import('../dist/cli.js');
