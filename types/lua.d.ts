// Lua scripts are imported as text (esbuild `loader: text`, jest text transform).
declare module '*.lua' {
  const source: string;
  export default source;
}
