/** Tables of the video consultation lifecycle (rooms, webhook events). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ConsultationTables {}
