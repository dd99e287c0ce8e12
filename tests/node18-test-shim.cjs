// Preloaded only when the wasm suite runs on Node 18 (scripts/test.sh:
// NODE_ARGS=--require=tests/node18-test-shim.cjs, read by wasm-bindgen-test-runner).
//
// Node 18's V8 (10.2) crashes the process ("WASM_INTERNAL_FUNCTION_TYPE" in a fatal stack
// dump) when a WebAssembly *exported function* is stored in an externref table with
// `WebAssembly.Table.prototype.set` and then called after coming back out of the table;
// Node 20 and later are fixed. wasm-bindgen-test hands every test to the wasm exactly that
// way (the raw exports named `__wbgt_*`), so on Node 18 no test could start. The package
// itself never stores an exported function (its glue passes JS values and JS closures).
//
// So this wraps those test exports, and nothing else, in a plain JS function before they
// enter the table. Every value the package's own code stores goes through untouched.
"use strict";

const wrappers = new WeakMap(); // test export -> its plain-JS wrapper

const Instance = WebAssembly.Instance;
function InstanceRecordingTests(module, imports) {
  const instance = new Instance(module, imports);
  for (const [name, value] of Object.entries(instance.exports)) {
    if (name.startsWith("__wbgt_") && typeof value === "function") {
      wrappers.set(value, function (...args) { return value.apply(this, args); });
    }
  }
  return instance;
}
InstanceRecordingTests.prototype = Instance.prototype;
WebAssembly.Instance = InstanceRecordingTests;

const set = WebAssembly.Table.prototype.set;
WebAssembly.Table.prototype.set = function (index, value) {
  if (arguments.length < 2) return set.call(this, index);
  return set.call(this, index, wrappers.get(value) ?? value);
};
