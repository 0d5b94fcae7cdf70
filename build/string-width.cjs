// The bundles take this module for the package string-width (package.json "build": --alias), which yargs,
// cliui and wrap-ansi import to lay out help text. Loading string-width builds an Intl.Segmenter and a regex
// of every emoji: ~40 ms of each keyguard start, spent before any work, as a bundle loads all it imports
// up front. Printable ASCII (all of keyguard's help) is one column a character; string-width is loaded only
// for other text. The relative path is what esbuild bundles (the package name would be aliased back here);
// a require()d module is one esbuild loads lazily.
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
let stringWidth;

module.exports = function width(text, options) {
  if (PRINTABLE_ASCII.test(text)) return text.length;
  stringWidth ??= require('../node_modules/string-width/index.js').default;
  return stringWidth(text, options);
};
