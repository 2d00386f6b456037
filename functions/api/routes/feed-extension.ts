import { Hono } from 'hono';

/**
 * The `about` page of Corridor's JSON Feed extension: JSON Feed 1.1 asks every extension object for a
 * URL that describes it, for the people who write feed readers and widgets.
 */
const description = `Corridor's JSON Feed extension: _corridor

Feed level
  about     this page
  private   true on a family's or class's private feed (a capability URL: please do not share it)
  look      the school's look, when its admins set one:
    accent    #rrggbb, with at least 4.5:1 contrast against white (widgets use it as --corridor-accent)
    welcome   one line of plain text the school greets readers with
    logo      url, width, height of the school's logo (no metadata; shown about 64 px high)

Item level
  about     this page
  post_id   the post's id at Corridor
  media     every picture, video and recording of the post, in the order the poster gave:
    kind                 image | video | audio
    alt                  the text the poster gave for people who cannot see it
    width, height        pixels (images and video)
    placeholder          a ThumbHash (base64) to show while the picture loads
    dominant_color       #rrggbb, the picture's main colour
    duration_in_seconds  video and audio
    outputs              every rendition: role (image | poster | video | audio | peaks | captions),
                         url, mime_type, width, height, size_in_bytes

Paging (RFC 5005 archives): next_url is the archive page with the posts just older than this
document's; _rfc5005 repeats it as prev_archive and says whether this document is an archive page.
`;

export function feedExtensionRoutes() {
  return new Hono().get('/extension', (c) =>
    c.text(description, 200, { 'cache-control': 'public, max-age=86400', 'access-control-allow-origin': '*' }),
  );
}
