// What the app's scripts put on `window` for one another, the tests and the benchmark.
// Read by `tsc` only (make lint); never served.
export {};

declare global {
  interface Window {
    setflowStartupError(message: string): void;
    setflowCheckForUpdate(): void;
    setflowTicker: unknown;
  }
}
