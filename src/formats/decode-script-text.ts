export interface DecodedText {
  text: string;
  /** 'latin1' when the bytes were not valid UTF-8 and each byte became one character (U+0000-U+00FF). */
  encoding: 'utf-8' | 'latin1';
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes a script or metadata file without losing a byte. Valid UTF-8 (nearly every script) is
 * read as such; anything else, such as a Latin-1 maintainer script, is read one character per byte
 * (ISO-8859-1, not the WHATWG 'latin1' label, which is windows-1252 and remaps 0x80-0x9f), so that
 * `Buffer.from(text, 'latin1')` gives the original bytes back and no U+FFFD replaces what the
 * analysis and the deferred copy of the script should see.
 */
export function decodeScriptText(bytes: Uint8Array): DecodedText {
  try {
    return { text: strictUtf8.decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'), encoding: 'latin1' };
  }
}
