import type { Rng } from './random.js';

/**
 * What callers and the agent say, per intent. Lines carry {placeholders} filled from a persona
 * drawn per call, so callers give phone numbers, e-mail addresses and card numbers that the
 * console's masking has to catch.
 */

export interface IntentScript {
  /** Relative share of arrivals. */
  weight: number;
  /** Tools the agent calls before it answers the request, in order. */
  tools: string[];
  request: string[];
  verifyAsk: string[];
  /** The caller's answer to verifyAsk: this is where personal data is spoken. */
  verifyAnswer: string[];
  answer: string[];
  /** The answer as a leaky agent says it, reading personal data back aloud. */
  leakyAnswer: string[];
  confirm: string[];
  wrapUp: string[];
}

export const GREETINGS = [
  'Thanks for calling Northwind. I am the virtual assistant. How can I help you today?',
  'Hi, you have reached Northwind customer care. What can I do for you?',
];
export const GOODBYES = ['Great, thanks. Bye.', 'That is all, thank you.', 'Perfect, have a good day.'];
export const CLARIFY = ['Sorry, I did not catch that. Could you say it again?'];
export const GIVE_UP_STT = ['I am sorry, I am having trouble understanding you. Please call back or try our website.'];
export const ASK_FOR_HUMAN = ['Actually, can I just talk to someone?', 'Can you put me through to a person?'];
export const TRANSFER = ['Of course. I am transferring you to a colleague now, who will have a summary of our call.'];
export const TOOL_TRANSFER = ['I cannot reach that system right now, so I am transferring you to a colleague who can help.'];
export const TOOL_GIVE_UP = ['I am sorry, our system is not responding right now. Please try again in a little while.'];
export const ERROR_GIVE_UP = ['I am sorry, something went wrong on my side. Please call back in a few minutes.'];
export const HUMAN_OPENING = ['Customer care, this is {agentName} speaking. How can I help?'];
export const FALLBACK_MENU = [
  'Thanks for calling Northwind. For orders say orders, for appointments say appointments, for anything else stay on the line.',
];
export const FALLBACK_ANSWER = ['Thank you. Please hold while I connect you to the right team.', 'Your request has been noted. Goodbye.'];

const SCRIPTS: Record<string, IntentScript> = {
  book_appointment: {
    weight: 32,
    tools: ['calendar.find_slots', 'calendar.book'],
    request: ['Hi, I would like to book an appointment for {day}.', 'I need to schedule a service visit, {day} if possible.'],
    verifyAsk: ['Sure. Can I have the phone number on your account?'],
    verifyAnswer: ['Yes, it is {phone}.', 'My number is {phone}.'],
    answer: ['Thanks. I have {time} on {day} available. Shall I book it?'],
    leakyAnswer: ['Thanks {name}, account {phone}. I have {time} on {day} available. Shall I book it?'],
    confirm: ['Yes, that works.', 'Sounds good, book it.'],
    wrapUp: ['You are booked for {day} at {time}. You will get a text confirmation. Anything else?'],
  },
  order_status: {
    weight: 30,
    tools: ['orders.lookup'],
    request: ['Where is my order? It should have arrived by now.', 'I am calling about the status of order {order}.'],
    verifyAsk: ['I can check that. What is the e-mail address you ordered with?'],
    verifyAnswer: ['It is {email}.', 'Sure, {email}.'],
    answer: ['Your order {order} is out for delivery and should arrive by {time} today.'],
    leakyAnswer: ['I found order {order} for {email}, paid with card {card}. It should arrive by {time} today.'],
    confirm: ['Okay, good to know.', 'Great, thanks.'],
    wrapUp: ['You are welcome. Is there anything else I can help with?'],
  },
  billing_question: {
    weight: 18,
    tools: ['billing.get_invoice'],
    request: ['I was charged twice on my last bill.', 'Can you explain the {amount} charge on my invoice?'],
    verifyAsk: ['I can look into that. Which card was the payment made with?'],
    verifyAnswer: ['The card number is {card}.', 'It was my card, {card}.'],
    answer: ['I see the charge of {amount}. It is the annual plan renewal, and there is only one payment on file.'],
    leakyAnswer: ['On card {card} I see one charge of {amount}, the annual plan renewal.'],
    confirm: ['Ah, that makes sense.', 'Okay, I understand now.'],
    wrapUp: ['I have sent the invoice to the e-mail on file. Anything else?'],
  },
  cancel_service: {
    weight: 13,
    tools: ['account.lookup', 'account.cancel'],
    request: ['I want to cancel my subscription.', 'Please cancel my service at the end of the month.'],
    verifyAsk: ['I can help with that. Can you confirm the phone number or e-mail on the account?'],
    verifyAnswer: ['The phone is {phone} and the e-mail is {email}.', 'It is {email}.'],
    answer: ['Your service will end on {day}. You will not be charged again. Shall I confirm the cancellation?'],
    leakyAnswer: ['Account {email}, phone {phone}: your service will end on {day}. Shall I confirm?'],
    confirm: ['Yes, please cancel it.', 'Yes, go ahead.'],
    wrapUp: ['Done. You will receive a confirmation e-mail shortly. Anything else?'],
  },
  talk_to_human: {
    weight: 7,
    tools: ['crm.create_handoff'],
    request: ['I would like to speak to a real person, please.', 'Agent. Representative. A human, please.'],
    verifyAsk: ['I can connect you. So my colleague can help faster, what is the call about?'],
    verifyAnswer: ['It is about my account, the number is {phone}.', 'A problem with my last payment.'],
    answer: TRANSFER,
    leakyAnswer: ['Transferring you now, {name}, with your number {phone} and card {card} on the summary.'],
    confirm: ['Thanks.'],
    wrapUp: TRANSFER,
  },
};

const GENERIC: Omit<IntentScript, 'weight'> = {
  tools: ['crm.lookup'],
  request: ['I have a question about {topic}.'],
  verifyAsk: ['Happy to help. Can I have the phone number on your account?'],
  verifyAnswer: ['It is {phone}.'],
  answer: ['Thanks. I have found your account and the details about {topic}. Everything is in order.'],
  leakyAnswer: ['Thanks {name}, account {phone}, e-mail {email}: everything about {topic} is in order.'],
  confirm: ['Okay, thanks.'],
  wrapUp: ['Is there anything else I can help with?'],
};

/** The script for an intent; intents without their own get a generic one about their name. */
export function scriptFor(intent: string, position: number): IntentScript {
  return SCRIPTS[intent] ?? { ...GENERIC, weight: 20 / (position + 1) };
}

export interface Persona {
  name: string;
  phone: string;
  email: string;
  card: string;
  order: string;
  day: string;
  time: string;
  amount: string;
  agentName: string;
}

const FIRST = ['Jordan', 'Maria', 'Sam', 'Aisha', 'Chen', 'Lukas', 'Priya', 'Tom', 'Fatima', 'Diego'];
const LAST = ['Lee', 'Garcia', 'Novak', 'Okafor', 'Smith', 'Rossi', 'Kowalski', 'Haddad', 'Berg', 'Tanaka'];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'];
const TIMES = ['9:30', '10 o clock', '11:15', '1 pm', '2:45', '4 pm'];
const DOMAINS = ['example.com', 'mail.example.org', 'example.net'];

function digits(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i += 1) s += String(rng.int(0, 9));
  return s;
}

/** A 16-digit card number with a valid Luhn check digit, as a real one would have. */
function cardNumber(rng: Rng): string {
  const body = `4${digits(rng, 14)}`;
  let sum = 0;
  for (let i = 0; i < body.length; i += 1) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  const full = body + String((10 - (sum % 10)) % 10);
  return full.replace(/(\d{4})(?=\d)/g, '$1 ');
}

export function drawPersona(rng: Rng): Persona {
  const first = rng.pick(FIRST);
  const last = rng.pick(LAST);
  return {
    name: `${first} ${last}`,
    phone: `(${rng.int(201, 989)}) 555-${digits(rng, 4)}`,
    email: `${first.toLowerCase()}.${last.toLowerCase()}${rng.int(1, 99)}@${rng.pick(DOMAINS)}`,
    card: cardNumber(rng),
    order: `NW-${digits(rng, 6)}`,
    day: rng.pick(DAYS),
    time: rng.pick(TIMES),
    amount: `$${rng.int(9, 240)}.${digits(rng, 2)}`,
    agentName: rng.pick(FIRST),
  };
}

const PII_FIELDS = new Set(['phone', 'email', 'card']);

/** Fills {placeholders}; `pii` counts the personal data items the line speaks. */
export function fillLine(template: string, persona: Persona, topic: string): { text: string; pii: number } {
  let pii = 0;
  const text = template.replace(/\{(\w+)\}/g, (_, key: string) => {
    if (key === 'topic') return topic.replace(/_/g, ' ');
    if (PII_FIELDS.has(key)) pii += 1;
    return String(persona[key as keyof Persona] ?? key);
  });
  return { text, pii };
}
