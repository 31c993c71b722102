// A flood of national queries for benches/national.mjs: `clients` anonymous clients asking
// national figures without a pause (territories and periods in turn) until SIGTERM, then
// the count of answers per status on stdout (JSON). Run apart, at the lowest priority
// (`nice -n 19`), so that on a machine of two cores the flood's own client does not take the
// CPU the server and the conseiller need: what is measured is the server's share.
//   node benches/flood.mjs <server url> <clients> <month: AAAA-MM of the last complete one>
const [url, clients, last] = process.argv.slice(2);

function monthsBefore(month, back) {
  const [year, m] = month.split('-').map(Number);
  const d = new Date(Date.UTC(year, m - 1 - back, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

const territories = ['france', 'region-84', 'region-11', 'region-53', 'departement-69', 'departement-75', 'departement-15'];
const periods = [[monthsBefore(last, 11), last], [monthsBefore(last, 2), last], [last, last], [monthsBefore(last, 23), monthsBefore(last, 12)]];
const statuses = {};
let stop = false;
process.on('SIGTERM', () => { stop = true; });
await Promise.all(Array.from({ length: Number(clients) }, async (_, c) => {
  for (let i = c; !stop; i += 1) {
    const [du, au] = periods[i % periods.length];
    try {
      const response = await fetch(`${url}/api/statistiques/nationales?territoire=${territories[i % territories.length]}&du=${du}&au=${au}`);
      await response.arrayBuffer();
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
    } catch {
      statuses.error = (statuses.error ?? 0) + 1;
    }
  }
}));
process.stdout.write(JSON.stringify(statuses));
