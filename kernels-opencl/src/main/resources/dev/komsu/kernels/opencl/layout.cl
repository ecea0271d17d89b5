// Device layouts of resident vectors.
//
// GPU kernels read vectors in blocks of BLOCK rows stored dimension-major (faiss's GPU
// "interleaved" IVF layout idea): value c of row r lives at
//   (r / BLOCK) * BLOCK * d + c * BLOCK + r % BLOCK,
// so the BLOCK work-items that handle BLOCK consecutive rows read consecutive addresses for each
// coordinate (coalesced loads). BLOCK = 1 is plain row-major, which the CPU-device kernels use.

// Converts a row-major matrix of rows x d (rows a multiple of BLOCK) into the blocked layout.
// One work-item per value: reads are coalesced, writes strided; this runs once per upload.
__kernel void to_blocked(__global const float* src, __global float* dst, const long rows, const int d) {
    const long g = get_global_id(0);
    if (g >= rows * d) return;
    const long r = g / d;
    const int c = (int) (g - r * d);
    dst[(r / BLOCK) * BLOCK * d + (long) c * BLOCK + r % BLOCK] = src[g];
}
