// Reading a picked or pasted file: its bytes (FileReader where Blob.arrayBuffer is missing,
// as in older WebViews), and a data: URL to preview an image (the app's CSP allows data:
// images but not blob: ones).

export async function readBytes(file: Blob): Promise<Uint8Array> {
  if (typeof file.arrayBuffer === "function") return new Uint8Array(await file.arrayBuffer());
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(new Uint8Array(r.result as ArrayBuffer));
    r.onerror = () => reject(r.error);
    r.readAsArrayBuffer(file);
  });
}

/** `data:<mime>;base64,…` of the bytes; the caller names the type (from the bytes, never the file's name). */
export function dataUrl(bytes: Uint8Array, mime: string): string {
  let s = "";
  // In slices: String.fromCharCode(...all) overflows the stack for a photo of a few MB.
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return `data:${mime};base64,${btoa(s)}`;
}
