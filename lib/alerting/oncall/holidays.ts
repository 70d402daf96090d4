import HolidaysModule from 'date-holidays';

/**
 * Public holidays from the maintained `date-holidays` data (France: zone Europe/Paris; Alsace-Moselle as states
 * 57/67/68 adds Good Friday and 26 December). Only `type: public` counts: the library also lists observances such
 * as Mothers' Day. Lundi de Pentecôte is legally a holiday but often the "journée de solidarité", a working day:
 * `pentecostMonday: false` removes it.
 */
export interface HolidayOptions {
  country: string;
  state?: string;
  pentecostMonday?: boolean;
}

type HolidaysCtor = new (
  country: string,
  state?: string,
) => { getHolidays(year: number): Array<{ date: string; name: string; type: string }> };
// Read when a calendar is made, not at import: a function bundle loads the package on first use of its exports
// (scripts/build.mjs), and reading `.default` is a use, which cost every alert-router cold start the whole data set.
const holidaysClass = (): HolidaysCtor =>
  ((HolidaysModule as unknown as { default?: HolidaysCtor }).default ?? HolidaysModule) as unknown as HolidaysCtor;

/** holidayCalendar answers "is this local date (YYYY-MM-DD) a public holiday?", caching each year once. */
export function holidayCalendar(options: HolidayOptions): (localDate: string) => string | undefined {
  const Holidays = holidaysClass();
  const hd = options.state ? new Holidays(options.country, options.state) : new Holidays(options.country);
  const years = new Map<number, Map<string, string>>();
  return (localDate) => {
    const year = Number(localDate.slice(0, 4));
    let days = years.get(year);
    if (!days) {
      days = new Map(
        hd
          .getHolidays(year)
          .filter((h) => h.type === 'public' && !(options.pentecostMonday === false && h.name === 'Lundi de Pentecôte'))
          .map((h) => [h.date.slice(0, 10), h.name]),
      );
      years.set(year, days);
    }
    return days.get(localDate);
  };
}
