/**
 * The message in the body of a refusal: plain text on /data, `{error:{message}}` on /xapi, an `<h3>`
 * in HTML pages. Shared by fetch calls and the uploader (which reads XMLHttpRequest answers).
 */
export function messageOfBody(text: string, contentType: string | null): string {
  let message = text.trim();
  if (/json/.test(contentType ?? '')) {
    try {
      message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
    } catch {
      // not JSON after all: keep the text
    }
  }
  if (/^<(!DOCTYPE|html)/i.test(message)) message = /<h3>([\s\S]*?)<\/h3>/i.exec(message)?.[1] ?? '';
  return message;
}
