// Turns peer-to-peer off in a benchmark viewer's page, as `p2p.enabled: false` does for a platform:
// the test ingest's pages always name its tracker, so a P2P-off baseline needs this.
/**
 * Runs in the page before its scripts: empties the page's tracker tag as it is parsed (the page then
 * loads no P2P engine and plays as it does without P2P). A string, like p2p-stall-counter.ts's
 * script. (Rewriting the page with page.route would make Chromium treat it as public and block its
 * requests to the loopback relay.)
 */
export const platformOffScript = `(() => {
  const blank = () => {
    const tag = document.querySelector('meta[name="classcast-tracker"]');
    if (tag && tag.content !== '') tag.content = '';
  };
  new MutationObserver(blank).observe(document, { childList: true, subtree: true });
})()`;
