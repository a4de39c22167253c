// Test arrays on a wasm backend's heap: the copy-in, call, read-back step of the engine's kernel tests.

/** What the helper needs of the engine's `WasmHeap`: its memory and tfjs's malloc/free. */
export interface HeapLike {
  readonly memory: WebAssembly.Memory;
  malloc(bytes: number): number;
  free(pointer: number): void;
}

/**
 * Copies `arrays` one after another onto `heap` as float32, runs `call` with their byte offsets, and
 * returns the last array's float32 contents after the call (the kernel's output, prefilled by the
 * caller); frees the block whatever happens.
 */
export function onHeap(
  heap: HeapLike,
  arrays: readonly ArrayLike<number>[],
  call: (at: number[]) => void,
): Float32Array {
  const floats = arrays.reduce((s, x) => s + x.length, 0);
  const block = heap.malloc(4 * floats);
  try {
    const at: number[] = [];
    let offset = block;
    for (const x of arrays) {
      new Float32Array(heap.memory.buffer, offset, x.length).set(x);
      at.push(offset);
      offset += 4 * x.length;
    }
    call(at);
    return new Float32Array(heap.memory.buffer, at.at(-1)!, arrays.at(-1)!.length).slice();
  } finally {
    heap.free(block);
  }
}
