import { describe, expect, it } from 'vitest';
import { wildcards } from '../../../functions/core/jobs/fanout';
import {
  concatList,
  joinArgs,
  parseSegmentList,
  pieceEncodeArgs,
  turnFilters,
} from '../../../functions/core/media/av/segment-profile';
import { x264Args } from '../../../functions/core/media/av/video-profile';

describe('segment-parallel arguments', () => {
  it('reads the segment muxer list: file, start, end per line', () => {
    expect(parseSegmentList('source-000.nut,0.000000,20.020000\nsource-001.nut,20.020000,39.5\n\n')).toEqual([
      { file: 'source-000.nut', start: 0, end: 20.02 },
      { file: 'source-001.nut', start: 20.02, end: 39.5 },
    ]);
  });

  it('encodes a piece with every x264 setting of the single job, turned as autorotate would', () => {
    const size = { width: 720, height: 1280 };
    const args = pieceEncodeArgs('in.nut', 'out.nut', size, 90).join(' ');
    const shared = x264Args(size).slice(2).join(' '); // everything after the filter graph
    expect(args).toContain(shared);
    expect(args).toContain('-vf transpose=clock,scale=720:1280');
    expect(args).toContain('-flags +cgop');
    expect(args).toContain('-an');
    expect(turnFilters(180)).toEqual(['hflip', 'vflip']);
    expect(turnFilters(270)).toEqual(['transpose=cclock']);
    expect(turnFilters(0)).toEqual([]);
  });

  it('joins with durations taken from the source, copying both streams into a faststart MP4', () => {
    expect(concatList([{ file: "/tmp/it's/a.nut", seconds: 20.02 }])).toBe(
      "ffconcat version 1.0\nfile '/tmp/it'\\''s/a.nut'\nduration 20.020000\n",
    );
    const args = joinArgs('list.ffconcat', 'audio.m4a', 'out.mp4').join(' ');
    expect(args).toContain('-f concat -safe 0 -i list.ffconcat -i audio.m4a -map 0:v:0 -map 1:a:0 -c copy');
    expect(args).toContain('-map_metadata -1');
    expect(args).toContain('-movflags +faststart');
  });
});

describe('retract invalidation paths', () => {
  it('collapses every path to one wildcard per place, the post’s media by its own prefix', () => {
    expect(
      wildcards([
        '/s/demo',
        '/s/demo/feed.json',
        '/s/demo/archive/0/rss.xml',
        '/c/TOKEN/feed.json',
        '/p/POST1',
        '/media/POST1/abc.webp',
        '/media/POST1/def.jpg',
        '/media/legacy.webp',
      ]),
    ).toEqual(['/c/TOKEN*', '/media/POST1*', '/media/legacy.webp*', '/p/POST1*', '/s/demo*']);
  });
});
