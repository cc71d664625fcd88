// Jest transform: import a text file (our Lua scripts) as its string, as esbuild's text loader does.
module.exports = {
  process(source) {
    return { code: `module.exports = { __esModule: true, default: ${JSON.stringify(source)} };` };
  },
};
