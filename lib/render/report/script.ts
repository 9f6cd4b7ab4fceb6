/**
 * The report's one script: the filters. It reads the findings from the page's JSON data block
 * (`#report-data`), shows the filter bar, and on every change hides the findings whose severity
 * or kind is unticked or whose text does not hold the search. Plain JavaScript, no library; the
 * Content-Security-Policy allows exactly this text by its hash.
 *
 * @module
 */

/**
 * The script's source, placed as is inside `<script>` (it holds no `</script` and no `<!--`).
 *
 * @example
 * ```ts
 * const html = `<script>${REPORT_SCRIPT}</script>`;
 * ```
 */
export const REPORT_SCRIPT = `(() => {
  'use strict';
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const bar = document.getElementById('filters');
  const search = document.getElementById('search');
  const shown = document.getElementById('shown');
  const noMatch = document.getElementById('no-match');
  const boxes = Array.from(bar.querySelectorAll('input[type=checkbox]'));
  const rows = Array.from(document.querySelectorAll('article.finding'));
  const text = data.map((f) =>
    [f.repository, f.templatePrefix, f.tag, f.account, f.region, f.actor, f.eventId, f.id, f.message]
      .filter((v) => v !== null)
      .join('\\n')
      .toLowerCase(),
  );
  const apply = () => {
    const on = { severity: new Set(), kind: new Set() };
    for (const box of boxes) if (box.checked) on[box.dataset.filter].add(box.value);
    const needle = search.value.trim().toLowerCase();
    let count = 0;
    for (const row of rows) {
      const i = Number(row.dataset.index);
      const f = data[i];
      const show =
        on.severity.has(f.severity) &&
        on.kind.has(f.kind) &&
        (needle === '' || text[i].includes(needle));
      row.hidden = !show;
      if (show) count++;
    }
    shown.textContent = 'Showing ' + count + ' of ' + rows.length + ' findings';
    noMatch.hidden = count > 0 || rows.length === 0;
  };
  bar.addEventListener('input', apply);
  document.getElementById('reset').addEventListener('click', () => {
    for (const box of boxes) box.checked = true;
    search.value = '';
    apply();
  });
  bar.hidden = false;
  apply();
})();
`;
