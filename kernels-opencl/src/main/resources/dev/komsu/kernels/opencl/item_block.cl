// Shared by the per-work-item code scans (scan_pq_item.cl, scan_sq8_item.cl), which compute the
// distances of an 8-row block at once (one float8 lane per row).

// Offers the first `rows` lanes of d, the distances of the rows whose ids start at `ids`, to the
// work-item's sorted top-k (topk.cl), keeping the caller's threshold current.
void item_offer_block(__global float* tk, __global long* ti, const int k, const int ip, const float8 d, const int rows,
                      __global const long* ids, float* thresholdKey, long* thresholdId) {
    float dist[8];
    vstore8(d, 0, dist);
    for (int i = 0; i < rows; i++) {
        const float key = to_key(ip, dist[i]);
        const long id = ids[i];
        if (ranks_before(key, id, *thresholdKey, *thresholdId)) {
            item_topk_insert(tk, ti, k, key, id);
            *thresholdKey = tk[k - 1];
            *thresholdId = ti[k - 1];
        }
    }
}
