// Drives Debian's Chromium with playwright-core (no browser download) for
// serve_browser_test.py: opens the H5Web page of `h5archive serve` at
// SERVE_URL for the entry SERVE_FILE at /data/value, waits for the heatmap
// canvas and saves a screenshot to SCREENSHOT; then opens the entry at its
// root and selects data > value in H5Web's tree. Prints one JSON line:
// {colours, dominant, clicked: {colours, dominant}, errors}.
import { createRequire } from 'node:module';

const require = createRequire(`${process.env.WEB_NPM}/package.json`);
const { chromium } = require('playwright-core');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM,
  headless: true,
  // Root in a container: no sandbox. WebGL through SwiftShader (no GPU).
  args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
});
const errors = [];
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  const colours = async () => {
    const canvas = page.locator('canvas').first();
    await canvas.waitFor({ state: 'visible', timeout: 60000 });
    await page.waitForTimeout(1500);  // the first frame of the heatmap
    const png = (await canvas.screenshot()).toString('base64');
    // Colours of the canvas as shown, counted in the page's own 2D canvas.
    return page.evaluate(async (data) => {
      const img = new Image();
      img.src = `data:image/png;base64,${data}`;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width;
      c.height = img.height;
      const ctx = c.getContext('2d');
      ctx.drawImage(img, 0, 0);
      const px = ctx.getImageData(0, 0, c.width, c.height).data;
      const counts = new Map();
      for (let i = 0; i < px.length; i += 4) {
        const key = `${px[i] >> 3},${px[i + 1] >> 3},${px[i + 2] >> 3}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      const total = px.length / 4;
      const big = [...counts.values()].filter((n) => n / total > 0.01).length;
      return { colours: big, dominant: Math.max(...counts.values()) / total };
    }, png);
  };

  // 1. The entry opened at the dataset by the address.
  const query = new URLSearchParams({ file: process.env.SERVE_FILE, path: '/data/value' });
  await page.goto(`${process.env.SERVE_URL}/?${query}`);
  const stats = await colours();
  await page.screenshot({ path: process.env.SCREENSHOT });

  // 2. The entry opened at its root, /data/value selected in the tree.
  await page.goto(`${process.env.SERVE_URL}/?file=${encodeURIComponent(process.env.SERVE_FILE)}`);
  await page.getByRole('treeitem', { name: 'data', exact: true }).click();
  await page.getByRole('treeitem', { name: 'value', exact: true }).click();
  const clicked = await colours();
  console.log(JSON.stringify({ ...stats, clicked, errors }));
} finally {
  await browser.close();
}
