// Why a connection to the webserver failed, in one line an operator can read: never OpenSSL's raw text, its address and line breaks.

/** OpenSSL's "<address>:error:<code>:SSL routines:<function>:<reason>:<file>:<line>:" as Node passes it on. */
const openSslError = /:error:[0-9A-Fa-f]+:[^:]*:[^:]*:([^:]+):/;

/**
 * The cause of a failed fetch as a short reason: a TLS failure named as one with OpenSSL's reason alone, and where that
 * reason is the server's not speaking TLS (wrong version number: an https:// URL to a plain-HTTP server), the hint that
 * the URL's scheme may be wrong; anything else, its first line.
 */
export function connectionFailureSaid(cause: { code?: string; message?: string } | undefined, fallback: string, url: string): string {
  const message = cause?.message ?? '';
  const tls = openSslError.exec(message)?.[1]?.trim() ?? (cause?.code?.startsWith('ERR_SSL_') ? cause.code.slice('ERR_SSL_'.length).toLowerCase().replace(/_/g, ' ') : undefined);
  if (tls) {
    const plainHttp = /wrong version number|packet length too long|http request/i.test(tls) && url.startsWith('https:');
    return `the TLS handshake failed: ${tls}${plainHttp ? '; the server may speak plain HTTP: if so, DAGSTER_URL starts with http://, not https://' : ''}`;
  }
  const said = (message || cause?.code || fallback).trim().split('\n')[0]?.trim() ?? '';
  return said.length > 300 ? `${said.slice(0, 299)}…` : said;
}
