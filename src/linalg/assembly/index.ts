// The WebAssembly kernels of src/linalg (AssemblyScript, compiled by scripts/build-kernels.mjs).
// Every export works on byte addresses in one shared linear memory, so worker threads that
// instantiate the same module over the same memory share their arrays without copies. The module
// has no data segments, no runtime and no globals that the kernels write: any number of
// instances can run at once.
export * from "./rows";
export * from "./sigmoid";
export * from "./gemm";
export * from "./layout";
export * from "./xor4096";
export * from "./sbn";
