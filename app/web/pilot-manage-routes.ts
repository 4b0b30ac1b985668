import express, { type RequestHandler, type Router } from 'express';
import { ChannelPilotError, can, type Channel } from '../../core/index.ts';
import { pilotStatuses, staffActor, type PilotDesk } from '../../core/evidence.ts';
import { requireFormToken, viewerOf } from '../http/staff-auth.ts';
import { html } from './html.ts';
import { messagePage } from './page.ts';
import { formFromPilot, pilotInputFromForm, renderPilotForm } from './pilot-form-page.ts';

// Managing pilots from /manage: define and revise (the API's validation), start, pause, resume and
// end, rate each criterion with a note. Every change goes through the pilot desk, like the API's,
// and lands in the pilot's audit trail with the manager's name.

export interface PilotManagementOptions {
  desk: Pick<PilotDesk, 'define' | 'revise' | 'transition' | 'rate' | 'find'>;
  channels: () => Promise<Channel[]>;
  segments: readonly string[];
  reasons: () => Promise<string[]>;
}

const requireWriter: RequestHandler = (req, res, next) => {
  const user = viewerOf(res);
  if (!user) {
    res.redirect(
      303,
      `/manage/login?next=${encodeURIComponent(req.method === 'GET' ? req.originalUrl : '/manage/pilots')}`,
    );
    return;
  }
  if (!can(user.role, 'pilots:write')) {
    res
      .status(403)
      .type('html')
      .send(
        messagePage({
          title: 'Not allowed',
          user,
          message: html`Your role (${user.role.replace('_', ' ')}) may not change pilots.`,
        }),
      );
    return;
  }
  next();
};

const statusOf: Partial<Record<ChannelPilotError['code'], number>> = {
  invalid_input: 400,
  not_found: 404,
  conflict: 409,
};

/** A change the rules refuse, as a page that says why (and what to do); anything else goes on. */
async function refusedAsPage(res: express.Response, change: () => Promise<void>): Promise<void> {
  try {
    await change();
  } catch (error) {
    const status = error instanceof ChannelPilotError ? statusOf[error.code] : undefined;
    if (!(error instanceof ChannelPilotError) || status === undefined) throw error;
    res
      .status(status)
      .type('html')
      .send(
        messagePage({
          title: 'Not changed',
          nav: 'pilots',
          user: viewerOf(res),
          message: html`${error.message}${error.hint ? html` (${error.hint})` : ''}.
            <a href="/manage/pilots">Back to the pilots</a>.`,
        }),
      );
  }
}

export function registerPilotManagement(router: Router, options: PilotManagementOptions): void {
  const { desk } = options;
  const reportOf = (code: string) => `/manage/pilots/${encodeURIComponent(code)}`;

  async function formPage(
    values: Record<string, string | string[] | undefined>,
    issues: ChannelPilotError['issues'],
    user: ReturnType<typeof viewerOf>,
    pilotId?: string,
  ) {
    return renderPilotForm({
      ...(pilotId ? { pilot: await desk.find(pilotId) } : {}),
      values,
      issues,
      channels: await options.channels(),
      segments: options.segments,
      reasons: await options.reasons(),
      user,
    });
  }

  /** Bad input shows the form again, naming every field; other errors go to the error middleware. */
  async function saving(
    res: express.Response,
    values: Record<string, string | string[] | undefined>,
    save: () => Promise<{ code: string }>,
    pilotId?: string,
  ) {
    try {
      const saved = await save();
      res.redirect(303, reportOf(saved.code));
    } catch (error) {
      // A field named wrong, or a code another pilot has: the form again, the field named.
      const named =
        error instanceof ChannelPilotError && error.code === 'conflict' && error.issues.length > 0;
      if (!(error instanceof ChannelPilotError) || (error.code !== 'invalid_input' && !named)) throw error;
      const issues = error.issues.length ? error.issues : [{ path: '(form)', message: error.message }];
      res
        .status(named ? 409 : 400)
        .type('html')
        .send(await formPage(values, issues, viewerOf(res), pilotId));
    }
  }

  router.get('/manage/pilots/new', requireWriter, async (_req, res) => {
    const values = { rolloutPercent: '10', controlPercent: '10', withinDays: '7', advisorShare: '1' };
    res.type('html').send(await formPage(values, [], viewerOf(res)));
  });

  router.post('/manage/pilots', requireWriter, requireFormToken, async (req, res) => {
    const values = (req.body ?? {}) as Record<string, string | string[]>;
    await saving(res, values, () => desk.define(pilotInputFromForm(values), staffActor(viewerOf(res))));
  });

  router.get('/manage/pilots/:id/edit', requireWriter, async (req, res) => {
    await refusedAsPage(res, async () => {
      const pilot = await desk.find(String(req.params.id));
      res.type('html').send(await formPage(formFromPilot(pilot), [], viewerOf(res), pilot.id));
    });
  });

  router.post('/manage/pilots/:id', requireWriter, requireFormToken, async (req, res) => {
    const values = (req.body ?? {}) as Record<string, string | string[]>;
    await refusedAsPage(res, async () => {
      const pilot = await desk.find(String(req.params.id));
      await saving(
        res,
        values,
        () => desk.revise(pilot.id, pilotInputFromForm(values), staffActor(viewerOf(res))),
        pilot.id,
      );
    });
  });

  router.post('/manage/pilots/:id/status', requireWriter, requireFormToken, async (req, res) => {
    const status = String((req.body as Record<string, unknown> | undefined)?.status ?? '');
    if (!(pilotStatuses as readonly string[]).includes(status)) {
      throw new ChannelPilotError('invalid_input', `status must be one of ${pilotStatuses.join(', ')}`, {
        issues: [{ path: 'body.status', message: `must be one of ${pilotStatuses.join(', ')}` }],
      });
    }
    await refusedAsPage(res, async () => {
      const { pilot } = await desk.transition(
        String(req.params.id),
        status as (typeof pilotStatuses)[number],
        staffActor(viewerOf(res)),
      );
      res.redirect(303, reportOf(pilot.code));
    });
  });

  router.post('/manage/pilots/:id/ratings', requireWriter, requireFormToken, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, string>;
    await refusedAsPage(res, async () => {
      const pilot = await desk.find(String(req.params.id));
      await desk.rate(
        pilot.id,
        // The desk names a bad criterion, rating or note.
        { criterion: body.criterion as never, rating: Number(body.rating), note: body.note ?? '' },
        staffActor(viewerOf(res)),
      );
      res.redirect(303, `${reportOf(pilot.code)}#manage-h`);
    });
  });
}
