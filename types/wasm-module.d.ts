// Types of the package's raw Wasm entries, `bilstm-attn/wasm` and `bilstm-attn/wasm-threads`: wrangler (workerd)
// imports a .wasm file as a compiled WebAssembly.Module, to pass to init({ module }). (Vite, esbuild and webpack give
// a URL instead, through their own asset options: see README "Runtimes".)
declare global {
  // (declared here too, so that a project without lib "DOM" knows the name)
  namespace WebAssembly { interface Module {} }
}
declare const module: WebAssembly.Module;
export default module;
