// From the customer's click on "Join" to the first decoded frame of the advisor's video, in
// Chromium on loopback against the app and a real livekit-server. The advisor is already in the
// call in the console, and admits the customer as soon as the lobby cue shows, as fast as a
// script can: the figure is what the product adds, without a person's reaction time.
import { hasDecodedFrames, startConsultationE2e } from '../test/support/consultation-e2e.ts';
import { freshTarget, openTarget } from './support.ts';

interface Timings {
  /** From the click to the lobby (connected to the room, not yet admitted). */
  lobby: number;
  /** From the click to the first decoded frame of the advisor's video. */
  firstFrame: number;
}

// Runs in the customer's page: clicks "Join" and times the lobby and the first decoded frame.
const clickAndTime = `new Promise((resolve, reject) => {
  const start = performance.now();
  let lobby = null;
  const deadline = start + 60000;
  const check = () => {
    const now = performance.now();
    if (lobby === null && document.querySelector('#lobby')) lobby = now - start;
    const video = document.querySelector('#remote-video');
    if (video instanceof HTMLVideoElement && video.getVideoPlaybackQuality().totalVideoFrames > 0 && video.videoWidth > 0) {
      resolve({ lobby: lobby ?? now - start, firstFrame: now - start });
    } else if (now > deadline) reject(new Error('no remote frame within 60 s'));
    else requestAnimationFrame(check);
  };
  document.querySelector('#join').click();
  requestAnimationFrame(check);
})`;

export async function joinFigures(options: { runs: number }): Promise<string[]> {
  // A fresh embedded database: outside the test runner there is no test file's database.
  const target = await freshTarget('embedded');
  const runs: Timings[] = [];
  try {
    const e2e = await startConsultationE2e({ openStorage: () => openTarget(target) });
    try {
      for (let i = 0; i < options.runs; i++) {
        // One advisor per run: an advisor holds no two overlapping appointments.
        const desk = await e2e.addAdvisor({ name: `Bench Advisor ${i}` });
        const customer = await e2e.addCustomer('it-IT');
        const appointment = await e2e.book({ advisor: desk, customer, startsInMinutes: 1 });
        const advisorContext = await e2e.newContext({ staff: desk });
        const customerContext = await e2e.newContext({ locale: 'it-IT' });
        try {
          const advisor = await advisorContext.newPage();
          await advisor.goto(`${e2e.base}/console`);
          await advisor.click(`tr[data-appointment="${appointment.id}"] button:text("Open")`);
          await advisor.click('#join-call');
          if (!(await hasDecodedFrames(advisor, '#local-video', 30_000)))
            throw new Error('no advisor camera');

          const page = await customerContext.newPage();
          await page.goto(e2e.joinLink(appointment));
          await page.waitForSelector('#join:not([disabled])');
          const timing = page.evaluate<Timings>(clickAndTime);
          await advisor.click('#admit', { timeout: 30_000 });
          runs.push(await timing);
        } finally {
          await advisorContext.close();
          await customerContext.close();
        }
      }
    } finally {
      await e2e.close();
    }
  } finally {
    await target.cleanup();
  }
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2
      ? (sorted[middle] as number)
      : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  };
  const ms = (v: number) => `${v.toFixed(0)} ms`;
  const first = runs.map((r) => r.firstFrame);
  return [
    `consultation join [Chromium, loopback, livekit-server]: "Join" clicked → first decoded frame of the advisor's video, ` +
      `median ${ms(median(first))} over ${runs.length} runs (min ${ms(Math.min(...first))}, max ${ms(Math.max(...first))}); ` +
      `of which click → in the lobby median ${ms(median(runs.map((r) => r.lobby)))}`,
  ];
}
