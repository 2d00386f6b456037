/**
 * The widget's stylesheet, inside its shadow root so the host page's CSS cannot break it. Hosts theme it
 * with custom properties, which inherit into the shadow tree, e.g.
 *   corridor-feed { --corridor-accent: #7a1f5c; --corridor-columns: 3; }
 * A host that sets no accent gets the school's own (`--corridor-school-accent`, set from the feed on the
 * widget's root), then Corridor's default.
 */
export const styles = `
:host{display:block;container-type:inline-size;font:var(--corridor-font,inherit);color:var(--corridor-text,inherit)}
*{box-sizing:border-box}
.title{font-size:var(--corridor-title-size,1.25em);margin:0 0 .75em}
ul{list-style:none;margin:0;padding:0;display:grid;gap:var(--corridor-gap,16px);
grid-template-columns:repeat(auto-fill,minmax(min(100%,var(--corridor-min-card,220px)),1fr))}
li{display:flex}
article{display:flex;flex-direction:column;width:100%;overflow:hidden;border-radius:var(--corridor-radius,12px);
background:var(--corridor-card,Canvas);color:var(--corridor-card-text,CanvasText);
border:1px solid var(--corridor-border,color-mix(in srgb,currentColor 15%,transparent))}
.media{position:relative;background:#ddd;overflow:hidden}
.media img,.media video{display:block;width:100%;height:auto;position:relative}
.media canvas{position:absolute;inset:0;width:100%;height:100%}
audio{display:block;width:100%;margin:12px 0 0}
.caption{margin:12px 12px 0;white-space:pre-line;overflow-wrap:anywhere;display:-webkit-box;-webkit-box-orient:vertical;
-webkit-line-clamp:var(--corridor-caption-lines,4);overflow:hidden}
.meta{margin:auto 0 0;padding:4px 12px 8px}
a{color:var(--corridor-accent,var(--corridor-school-accent,#1d5fa8));text-underline-offset:2px}
.meta a{display:inline-block;min-height:44px;padding:11px 2px}
a:focus-visible{outline:3px solid var(--corridor-accent,var(--corridor-school-accent,#1d5fa8));outline-offset:2px;border-radius:2px}
.more a{display:inline-block;min-height:44px;padding:11px 0}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
`;
