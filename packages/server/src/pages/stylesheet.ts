/** The one stylesheet of the sign-in, consent and account pages (served from /assets, so CSP can forbid inline styles). */
export const stylesheet = `:root{color-scheme:light dark;--bg:#f4f5f7;--fg:#1c1f24;--muted:#5c6370;--card:#fff;--line:#d9dce1;--accent:#2f5bd3;--accent-fg:#fff;--danger:#b3261e;--ok:#1e7a46}
@media (prefers-color-scheme:dark){:root{--bg:#15171b;--fg:#e8eaed;--muted:#a0a6b0;--card:#1f2228;--line:#343842;--accent:#7ea2ff;--accent-fg:#0b1020;--danger:#ff8a80;--ok:#7dd3a0}}
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;padding:1rem}
.card{width:100%;max-width:28rem;background:var(--card);border:1px solid var(--line);border-radius:12px;padding:2rem;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.card.wide{max-width:48rem}
.brand{margin:0 0 .5rem;font-weight:700;letter-spacing:.08em;text-transform:uppercase;font-size:.75rem;color:var(--muted)}
h1{font-size:1.5rem;margin:0 0 1rem}
p{margin:.5rem 0}
.muted{color:var(--muted);font-size:.9rem}
label{display:block;font-weight:600;margin:1rem 0 .25rem}
input[type=text],input[type=password],input[type=email]{width:100%;padding:.6rem .7rem;border:1px solid var(--line);border-radius:8px;background:transparent;color:inherit;font:inherit}
input:focus-visible,button:focus-visible,a:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.actions{display:flex;gap:.75rem;margin-top:1.5rem;flex-wrap:wrap}
button{font:inherit;font-weight:600;padding:.6rem 1.2rem;border-radius:8px;border:1px solid var(--accent);background:var(--accent);color:var(--accent-fg);cursor:pointer}
button.secondary{background:transparent;color:var(--fg);border-color:var(--line)}
button.danger{background:transparent;color:var(--danger);border-color:var(--danger)}
.error{border-left:4px solid var(--danger);padding:.5rem .75rem;margin:1rem 0;background:rgba(179,38,30,.08)}
.error[role=status]{border-left-color:var(--ok);background:rgba(30,122,70,.08)}
ul.scopes{padding-left:1.2rem}
ul.scopes li{margin:.25rem 0}
td ul.scopes{margin:0}
td ul.scopes li:first-child{margin-top:0}
table{width:100%;border-collapse:collapse;margin-top:1rem}
th,td{text-align:left;padding:.6rem .4rem;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:.8rem;text-transform:uppercase;letter-spacing:.05em;color:var(--muted)}
th .muted{font-size:inherit}
form.inline{display:inline}
`;
