import { consultationTexts, type ConsultationPageData } from './consultation-texts.ts';
import { renderSurvey } from './consultation-survey.ts';
import { pageData } from '../../web/browser/dom.ts';

// The consultation's page reopened after a call the customer left without rating (a closed tab):
// the form the call page shows at the end of the call, without the call.

const data = pageData<ConsultationPageData>();
renderSurvey(
  document.getElementById('app') as HTMLElement,
  consultationTexts[data.locale].survey,
  data.token,
);
