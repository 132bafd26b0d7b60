// ctx.services.images: sharp behind the ImageCodec interface, loaded on first use.
import type { ImageCodec } from '../../nodes/api.ts';

export function createImageCodec(): ImageCodec {
  return {
    async decodeFile(path) {
      const { decodeImageFile } = await import('../runtime/image-io.ts');
      return decodeImageFile(path);
    },
    async encodePng(image, index) {
      const { encodePng } = await import('../runtime/image-io.ts');
      return encodePng(image, index);
    },
  };
}
