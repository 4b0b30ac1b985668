/** Each channel keeps its colour on every chart; all reach 4.5:1 against white (white text on them too). */
const channelColours: Record<string, string> = {
  call_centre: '#0b5cad',
  email: '#9c5700',
  sms: '#6f3a9c',
  web: '#1c7a47',
  shop: '#b3261e',
  paper_mail: '#595959',
  voice_assistant: '#a2336f',
  video: '#00747a',
};
const fallbackColours = ['#3d4f9f', '#7a5200', '#2f6b5a', '#8e3b46', '#4a5a2a', '#5b3f7a'];
/** "No next contact" in the transition diagram. */
export const NONE_COLOUR = '#767676';

export function channelColour(code: string | null): string {
  if (code === null) return NONE_COLOUR;
  const known = channelColours[code];
  if (known) return known;
  let hash = 0;
  for (const c of code) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return fallbackColours[hash % fallbackColours.length] as string;
}
