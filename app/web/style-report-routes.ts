import type { RequestHandler, Response, Router } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { styleReportForManagers } from '../../bills/index.ts';
import { ChannelPilotError, REFERENCE_ZONE, type Clock } from '../../core/index.ts';
import { BILL_STYLE_CHANNEL, type StyleArmReport } from '../../core/services.ts';
import { daysBetween, styleScorecards, type Pilot, type PilotRating } from '../../core/evidence.ts';
import { viewerOf } from '../http/staff-auth.ts';
import { html } from './html.ts';
import { messagePage } from './page.ts';
import { channelNames } from './format.ts';
import { renderStyleReportPage } from './style-report-page.ts';

/** Bill style pilots' figures: the report per arm and the ratings of the pilot's criteria. */
export interface StyleReportSource {
  report(pilotId: string, withinDays: number): Promise<StyleArmReport[]>;
  ratings(pilotId: string): Promise<PilotRating[]>;
}

const WithinDays = z.coerce.number().int().min(1).max(365).default(30);

/** `GET /manage/pilots/:id/styles`: a bill style pilot's report page, with each arm's scorecard. */
export function registerStyleReportPage(
  router: Router,
  options: {
    requireManager: RequestHandler;
    clock: Clock;
    pilots(): Promise<Pilot[]>;
    /** The registered channels, for their names. */
    channels(): Promise<{ code: string; name: string }[]>;
    styles: StyleReportSource;
    /** The fewest customers an arm shown to pilot managers may count (admins see all). */
    minimumGroup: number;
    notFound(res: Response, id: string): void;
  },
): void {
  const { requireManager } = options;
  router.get('/manage/pilots/:id/styles', requireManager, async (req, res) => {
    const id = String(req.params.id);
    const pilot = (await options.pilots()).find((p) => p.id === id || p.code === id);
    if (!pilot || pilot.channel !== BILL_STYLE_CHANNEL) {
      options.notFound(res, id);
      return;
    }
    const withinDays = WithinDays.safeParse(req.query.withinDays);
    if (!withinDays.success) {
      res
        .status(400)
        .type('html')
        .send(
          messagePage({
            title: 'Bad address',
            nav: 'pilots',
            user: viewerOf(res),
            message: html`withinDays must be a whole number of days from 1 to 365.
              <a href="/manage/pilots/${pilot.code}/styles">See the report over 30 days</a>.`,
          }),
        );
      return;
    }
    const now = options.clock.now();
    let report: StyleArmReport[] | null = null;
    let withheld: string | undefined;
    try {
      report = await options.styles.report(pilot.id, withinDays.data);
    } catch (error) {
      if (!(error instanceof ChannelPilotError && error.code === 'not_found')) throw error;
      withheld = 'its arms are not set yet (bills style-pilot sets them)';
    }
    if (report && viewerOf(res)?.role === 'pilot_manager') {
      try {
        styleReportForManagers(report, options.minimumGroup);
      } catch (error) {
        if (!(error instanceof ChannelPilotError && error.code === 'forbidden')) throw error;
        withheld = error.message;
        report = null;
      }
    }
    const today = DateTime.fromJSDate(now, { zone: REFERENCE_ZONE }).toISODate()!;
    const lastDay = today < pilot.endsOn ? today : pilot.endsOn;
    const weeksSoFar = Math.max(0, daysBetween(pilot.startsOn, lastDay) + 1) / 7;
    res.type('html').send(
      renderStyleReportPage({
        pilot,
        withinDays: withinDays.data,
        report,
        scorecards: report ? styleScorecards(report, await options.styles.ratings(pilot.id), weeksSoFar) : [],
        ...(withheld ? { withheld } : {}),
        user: viewerOf(res),
        generatedAt: now,
        names: channelNames(await options.channels()),
      }),
    );
  });
}
