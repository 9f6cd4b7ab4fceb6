/** Baseline of dist/handlers/image-action.mjs: its AWS calls, made directly (see sdk.ts). */
import { imageAction } from './sdk.ts';

export const handler = async (event: Parameters<typeof imageAction>[0]): Promise<void> => {
  await imageAction(event);
};
