// Photos are made smaller on the phone before they are stored: the long side at most 1600 px, JPEG at
// quality 0.8. Drawing to a canvas and encoding again drops EXIF and every other metadata; only the
// time and the place are kept, as fields beside the image.
export const MAX_SIDE = 1600;
export const QUALITY = 0.8;

async function decode(file) {
  if (typeof createImageBitmap === 'function') {
    try {
      return await createImageBitmap(file, { imageOrientation: 'from-image' });
    } catch (error) {
      // Older engines: fall back to an <img> below.
    }
  }
  const url = URL.createObjectURL(file);
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    return img;
  } finally {
    URL.revokeObjectURL(url);
  }
}

export function fitInside(width, height, maxSide = MAX_SIDE) {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

// -> {buffer: ArrayBuffer, type, width, height, size}; throws when the file is not an image.
export async function downscale(file) {
  const image = await decode(file);
  const sourceWidth = image.width || image.naturalWidth;
  const sourceHeight = image.height || image.naturalHeight;
  if (!sourceWidth || !sourceHeight) throw new Error('not an image');
  const { width, height } = fitInside(sourceWidth, sourceHeight);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  context.fillStyle = '#fff'; // transparent PNGs become white, not black, as JPEG
  context.fillRect(0, 0, width, height);
  context.drawImage(image, 0, 0, width, height);
  if (image.close) image.close();
  const blob = await new Promise((resolve, reject) => {
    canvas.toBlob((result) => (result ? resolve(result) : reject(new Error('encode failed'))), 'image/jpeg', QUALITY);
  });
  const buffer = await blob.arrayBuffer();
  return { buffer, type: 'image/jpeg', width, height, size: buffer.byteLength };
}
