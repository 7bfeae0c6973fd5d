const special = /[&<>"']/;

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(value: unknown): string {
  const text = String(value ?? '');
  // Most values (tokens, ids, names) have nothing to escape: one scan instead of five replaces.
  if (!special.test(text)) return text;
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** A tagged template that escapes every interpolation unless it is already `Html`. */
export class Html {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  toString(): string {
    return this.text;
  }
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    const rendered = Array.isArray(value)
      ? value.map((v) => (v instanceof Html ? v.text : escapeHtml(v))).join('')
      : value instanceof Html
        ? value.text
        : escapeHtml(value);
    out += rendered + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

/** The page frame every screen shares: accessible landmarks, the stylesheet, no scripts. */
export function layout(title: string, body: Html, options: { wide?: boolean } = {}): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${title} · Portcullis</title>
<link rel="stylesheet" href="/assets/portcullis.css">
</head>
<body>
<main class="${options.wide ? 'card wide' : 'card'}" aria-labelledby="page-title">
<p class="brand" aria-hidden="true">Portcullis</p>
<h1 id="page-title">${title}</h1>
${body}
</main>
</body>
</html>
`.text;
}

/** Hidden inputs carrying the CSRF token and other state through a form. */
export function hidden(fields: Record<string, string | null | undefined>): Html {
  return new Html(
    Object.entries(fields)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
      .join('\n'),
  );
}
