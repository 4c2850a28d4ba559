import { z } from 'zod';
import type { ShellyCommandData } from '../shelly';

/** Channel index on the device: the Gen1 array index or the Gen2+ component id. */
const channel = z
  .number()
  .int()
  .min(0)
  .max(255)
  .meta({ description: 'Channel of the device, from 0 (required even for one-channel devices).' });

const turn = z
  .enum(['on', 'off', 'toggle'])
  .meta({ description: '`toggle` flips the current state.' });

const flipBackSeconds = z.number().positive().max(86_400).meta({
  description: 'Flip the output back after this many seconds (a one-shot timer on the device).',
});

const level = (max: number, description: string) =>
  z.number().int().min(0).max(max).meta({ description });

export const relayCommand = z
  .strictObject({
    type: z.literal('relay'),
    channel,
    action: turn,
    timeoutSeconds: flipBackSeconds.optional(),
  })
  .meta({ description: 'Switch a relay output on, off or over.' });

export const lightCommand = z
  .strictObject({
    type: z.literal('light'),
    channel,
    action: turn,
    brightness: level(100, 'Brightness in % (white mode).').optional(),
    mode: z.enum(['color', 'white']).optional(),
    red: level(255, 'Red, 0..255 (colour mode).').optional(),
    green: level(255, 'Green, 0..255 (colour mode).').optional(),
    blue: level(255, 'Blue, 0..255 (colour mode).').optional(),
    white: level(255, 'White channel, 0..255 (colour mode).').optional(),
    gain: level(100, 'Colour gain in % (colour mode).').optional(),
    colorTemp: z
      .number()
      .int()
      .min(1000)
      .max(10_000)
      .meta({ description: 'Colour temperature in K, on lamps that have one.' })
      .optional(),
    effect: level(6, 'Effect number, 0 for none.').optional(),
    timeoutSeconds: flipBackSeconds.optional(),
  })
  .meta({ description: 'Switch a light, optionally setting its mode, colour and levels.' });

export const rollerCommand = z
  .strictObject({
    type: z.literal('roller'),
    channel,
    action: z.enum(['open', 'close', 'stop']),
    durationSeconds: z
      .number()
      .positive()
      .max(3600)
      .meta({ description: 'Move for this many seconds only.' })
      .optional(),
  })
  .meta({ description: 'Open, close or stop a roller shutter (cover).' });

const relativeLevel = (description: string) =>
  z.number().int().min(-100).max(100).meta({ description });

export const rollerPositionCommand = z
  .strictObject({
    type: z.literal('roller_position'),
    channel,
    position: level(100, 'Target position in %: 0 closed, 100 open.').optional(),
    relative: relativeLevel(
      'Move by this many percentage points instead: positive opens, negative closes.',
    ).optional(),
    slatPosition: level(100, 'Target slat (tilt) position in %, on blinds with slats.').optional(),
    slatRelative: relativeLevel(
      'Tilt the slats by this many percentage points instead.',
    ).optional(),
  })
  .superRefine((command, context) => {
    const given = (key: keyof typeof command) => command[key] !== undefined;
    if (given('position') && given('relative')) {
      context.addIssue({
        code: 'custom',
        path: ['relative'],
        message: 'position and relative are mutually exclusive',
      });
    }
    if (given('slatPosition') && given('slatRelative')) {
      context.addIssue({
        code: 'custom',
        path: ['slatRelative'],
        message: 'slatPosition and slatRelative are mutually exclusive',
      });
    }
    if (
      !['position', 'relative', 'slatPosition', 'slatRelative'].some((key) => given(key as never))
    ) {
      context.addIssue({
        code: 'custom',
        message: 'give position, relative, slatPosition or slatRelative',
      });
    }
  })
  .meta({
    description:
      'Move a calibrated roller shutter to a position or by an amount, and/or tilt its slats; `position` and `relative` exclude each other, as do `slatPosition` and `slatRelative`.',
  });

export const deviceCommand = z.discriminatedUnion('type', [
  relayCommand,
  lightCommand,
  rollerCommand,
  rollerPositionCommand,
]);

export type DeviceCommand = z.infer<typeof deviceCommand>;
export type CommandType = DeviceCommand['type'];
export const commandTypes: readonly CommandType[] = ['relay', 'light', 'roller', 'roller_position'];

export function toShellyCommand(command: DeviceCommand): ShellyCommandData {
  switch (command.type) {
    case 'relay':
      return {
        cmd: 'relay',
        params: withOptional(
          { id: command.channel, turn: command.action },
          { timeout: command.timeoutSeconds },
        ),
      };
    case 'light':
      return {
        cmd: 'light',
        params: withOptional(
          { id: command.channel, turn: command.action },
          {
            mode: command.mode,
            brightness: command.brightness,
            red: command.red,
            green: command.green,
            blue: command.blue,
            white: command.white,
            gain: command.gain,
            temp: command.colorTemp,
            effect: command.effect,
            timeout: command.timeoutSeconds,
          },
        ),
      };
    case 'roller':
      return {
        cmd: 'roller',
        params: withOptional(
          { id: command.channel, go: command.action },
          { duration: command.durationSeconds },
        ),
      };
    case 'roller_position':
      return {
        cmd: 'roller_to_pos',
        params: withOptional(
          { id: command.channel },
          {
            pos: command.position,
            rel: command.relative,
            slat_pos: command.slatPosition,
            slat_rel: command.slatRelative,
          },
        ),
      };
  }
}

function withOptional(
  required: Record<string, string | number>,
  optional: Record<string, string | number | undefined>,
): Record<string, string | number> {
  const params = { ...required };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) params[key] = value;
  return params;
}
