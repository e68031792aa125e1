// Reading a picked proof photo: its bytes (FileReader where Blob.arrayBuffer is missing, as
// in older WebViews and jsdom) and a data: URL for the preview (the app's CSP allows data:
// images but not blob: ones).

import { sniffProof } from "../../../lib/dues";

export async function readBytes(file: Blob): Promise<Uint8Array> {
  if (typeof file.arrayBuffer === "function") return new Uint8Array(await file.arrayBuffer());
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(new Uint8Array(r.result as ArrayBuffer));
    r.onerror = () => reject(r.error);
    r.readAsArrayBuffer(file);
  });
}

/** A preview URL typed by the bytes, never by the file's name or claimed type. */
export function dataUrl(bytes: Uint8Array): string {
  let s = "";
  // In slices: String.fromCharCode(...all) overflows the stack for a photo of a few MB.
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return `data:${sniffProof(bytes) ?? "application/octet-stream"};base64,${btoa(s)}`;
}
