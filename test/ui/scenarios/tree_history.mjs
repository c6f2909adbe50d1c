// Turns recorded renderings of the Experiments tree into each trial's sequence of shown states.
const STATE_OF_ICON = {
  'circle-outline': 'pending',
  sync: 'running',
  'debug-pause': 'paused',
  pass: 'terminated',
  'stop-circle': 'terminated',
  error: 'error',
};

/** trial id → the states its row showed, in order, without repeats. */
export function trialHistories(frames, experimentName) {
  const histories = new Map();
  for (const frame of frames) {
    let inside = false;
    for (const row of frame.rows) {
      if (row.level === 1) inside = row.label === experimentName;
      if (!inside || row.level !== 2) continue;
      const state = STATE_OF_ICON[row.icon] ?? `icon ${row.icon}`;
      const h = histories.get(row.label) ?? [];
      if (h.at(-1) !== state) h.push(state);
      histories.set(row.label, h);
    }
  }
  return histories;
}
