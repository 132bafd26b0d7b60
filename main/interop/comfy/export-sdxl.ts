// TextEncodeSDXL → ComfyUI's CLIPTextEncodeSDXL, or CLIPTextEncodeSDXLRefiner when an aesthetic score is
// set (only the refiner reads it): the reverse of classes-sdxl.ts, so importing the export gives the
// node back. Values ComfyUI's node cannot hold are reported, not dropped silently.
type Widgets = Record<string, unknown>;

const SIZES = ['width', 'height', 'target_width', 'target_height'] as const;

function noteCommon(w: Widgets, note: (problem: string) => void, sizes: readonly string[]): void {
  if (Number(w.clip_skip) > 2)
    note(
      `clip_skip ${w.clip_skip} is not written (ComfyUI sets it with CLIPSetLastLayer before the encoder: use a Set Clip Skip node)`,
    );
  const zero = sizes.filter((name) => Number(w[name]) === 0);
  if (zero.length > 0)
    note(
      `${zero.join(', ')} 0 means the latent's size here, but ComfyUI uses 0 as written: set the sizes before exporting`,
    );
}

function refiner(w: Widgets, note: (problem: string) => void): [string, Widgets] {
  noteCommon(w, note, ['width', 'height']);
  const unused = ['text_l', 'crop_w', 'crop_h', 'target_width', 'target_height'].filter(
    (name) => w[name] !== '' && w[name] !== 0,
  );
  if (unused.length > 0)
    note(`${unused.join(', ')} not written (CLIPTextEncodeSDXLRefiner has only ascore, width, height, text)`);
  return [
    'CLIPTextEncodeSDXLRefiner',
    { ascore: w.aesthetic_score, width: w.width, height: w.height, text: w.text_g },
  ];
}

/** The ComfyUI class and widget values of a TextEncodeSDXL node (widgets with defaults filled in). */
export function exportTextEncodeSdxl(
  w: Widgets,
  _hasInput: (name: string) => boolean,
  note: (problem: string) => void,
): [string, Widgets] {
  if (Number(w.aesthetic_score) > 0) return refiner(w, note);
  noteCommon(w, note, SIZES);
  return [
    'CLIPTextEncodeSDXL',
    {
      width: w.width,
      height: w.height,
      crop_w: w.crop_w,
      crop_h: w.crop_h,
      target_width: w.target_width,
      target_height: w.target_height,
      text_g: w.text_g,
      text_l: w.text_l,
    },
  ];
}
