import { setFlagsFromString } from 'node:v8';

// Prisma's query compiler is a large WebAssembly module. V8's optimizing tier compiles its hot
// functions a second time and keeps both: about 60 MB more resident memory, for queries that take
// microseconds either way. Set before any module compiles WebAssembly, hence its own import first.
setFlagsFromString('--liftoff-only');
