// Text from graphs (node ids, titles, messages quoting them) printed to a terminal: control
// characters are shown escaped, so an id such as "\u001b]0;pwned\u0007" cannot retitle the
// window, move the cursor or hide lines. Newlines and tabs are escaped too: one problem, one line.

// Unicode "Cc": C0 controls, DEL and C1 controls (ESC sequences, and the 8-bit CSI 0x9b).
const CONTROL = /\p{Cc}/gu;

export function terminalSafe(text: string): string {
  return text.replace(CONTROL, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
