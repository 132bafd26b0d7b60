// Packaged as an asar archive, files that native code opens by path (ONNX models, .node
// binaries) are unpacked beside it by electron-builder's `asarUnpack`: `.../app.asar/models`
// becomes `.../app.asar.unpacked/models`. JavaScript reads through asar transparently; native
// code (ONNX Runtime) does not, so paths handed to it are mapped here.
const ASAR_SEGMENT = /([\\/])app\.asar([\\/])/;

export function unpackedPath(path: string): string {
  return path.replace(ASAR_SEGMENT, '$1app.asar.unpacked$2');
}
