"""Viet Nam's calendar behind ``domain.calendar``: public holidays and lunar dates.

Nothing here is a hand-typed table. The holidays (Tết Nguyên Đán and the days around it,
Giỗ Tổ Hùng Vương, 30/4, 1/5, Quốc khánh and its extra day, Ngày Văn hóa Việt Nam,
observed days) come from python-holidays, whose Vietnamese lunisolar calendar is
reckoned at UTC+7. Lunar dates come from lunar-vn (Hồ Ngọc Đức's algorithm, UTC+7):
Viet Nam's lunar calendar differs from China's in some years (Tết 1985, 2007, 2030,
2053), so a Chinese-calendar library (lunardate, lunarcalendar) would be wrong there.
The two libraries agree on every Tết and Giỗ Tổ from 1950 to 2099.

Which holidays are lunar is read from the library's own data too: a holiday is lunar
when python-holidays puts the same name on the same lunar day in a neighbouring year
(Tết, its second to fourth days, Giỗ Tổ), or when it belongs to the unbroken run of
holidays around lunar new year's day (Giao thừa, 29 Tết, observed Tết days).

Both libraries are imported on first use only: ``loa --help`` stays quick.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from ..config import Settings
from ..domain.calendar import Holiday, LunarDate
from ..domain.parse import parse_weekdays
from ..domain.policy import Policy
from ..errors import InvalidInput
from ..i18n import N_

COUNTRY = "VN"
FIRST_YEAR, LAST_YEAR = 1901, 2099  # lunar-vn converts 1900-2100; a year needs its neighbours
#: python-holidays' language for each interface language
LIBRARY_LANGUAGE = {"vi": "vi", "en": "en_US"}
ON_HOLIDAYS = ("quiet", "normal")
NEW_YEAR = LunarDate(1, 1, 0)  # Tết: the first day of the first lunar month (any year)


class VietnamHolidays:
    """``domain.calendar.HolidaySource`` for Viet Nam, names in ``language`` (vi or en)."""

    def __init__(self, language: str = "vi"):
        self.language = LIBRARY_LANGUAGE.get(language, language)

    def holidays(self, first: date, last: date) -> list[Holiday]:
        found: list[Holiday] = []
        for year in range(max(first.year, FIRST_YEAR), min(last.year, LAST_YEAR) + 1):
            found += [h for h in holidays_of(year, self.language) if first <= h.day <= last]
        return found


@lru_cache(maxsize=32)
def holidays_of(year: int, language: str = "vi") -> tuple[Holiday, ...]:
    """Viet Nam's public holidays of ``year``, in date order, lunar ones with their lunar date."""
    this = _library_year(year, language)
    neighbours = (_library_year(year - 1, language), _library_year(year + 1, language))
    tet = _tet_run(this)
    result = []
    for day, name in sorted(this.items()):
        lunar = lunar_date(day)
        fixed = any(
            n == name and _same_lunar_day(lunar_date(d), lunar)
            for other in neighbours
            for d, n in other.items()
        )
        result.append(Holiday(day, name, lunar if fixed or day in tet else None))
    return tuple(result)


@lru_cache(maxsize=4096)
def lunar_date(day: date) -> LunarDate:
    """The Vietnamese lunar date of ``day`` (lunar-vn, UTC+7)."""
    import lunar_vn

    lunar = lunar_vn.solar_to_lunar(day)
    return LunarDate(lunar.day, lunar.month, lunar.year, bool(lunar.leap))


@lru_cache(maxsize=64)
def _library_year(year: int, language: str) -> dict[date, str]:
    import holidays

    return dict(holidays.country_holidays(COUNTRY, years=year, language=language))


def _same_lunar_day(a: LunarDate, b: LunarDate) -> bool:
    return (a.day, a.month, a.leap) == (b.day, b.month, b.leap)


def _tet_run(days: dict[date, str]) -> set[date]:
    """The holidays joined day by day to lunar new year's day (the Tết break)."""
    new_year = next((d for d in days if _same_lunar_day(lunar_date(d), NEW_YEAR)), None)
    if new_year is None:
        return set()
    run = {new_year}
    for step in (timedelta(days=-1), timedelta(days=1)):
        day = new_year + step
        while day in days:
            run.add(day)
            day += step
    return run


# --- the station's rules, from settings ------------------------------------------------


def quiet_on_holidays(settings: Settings) -> bool:
    """``[calendar] on_holidays``: "quiet" (emergencies only) or "normal"."""
    value = str(settings.calendar.on_holidays).strip().lower()
    if value not in ON_HOLIDAYS:
        raise InvalidInput(
            N_('loa.toml [calendar] on_holidays = {value!r}: use "quiet" or "normal"'),
            value=settings.calendar.on_holidays,
        )
    return value == "quiet"


def policy_of(settings: Settings) -> Policy:
    """The airtime rules of ``[policy]``, each optional; a bad value is one clear error."""
    raw = settings.policy
    sessions = _positive(raw.max_sessions_per_day, "max_sessions_per_day", whole=True)
    minutes = _positive(raw.max_minutes_per_session, "max_minutes_per_session")
    weekdays = None
    if raw.broadcast_weekdays is not None:
        try:
            weekdays = parse_weekdays(str(raw.broadcast_weekdays))
        except ValueError as err:
            raise InvalidInput(
                N_("loa.toml [policy] broadcast_weekdays: {error}"), error=err
            ) from None
    return Policy(sessions, minutes, weekdays)


def _positive(value, name: str, whole: bool = False):
    if value is None:
        return None
    ok = isinstance(value, int) if whole else isinstance(value, int | float)
    if isinstance(value, bool) or not ok or value <= 0:
        message = (
            N_("loa.toml [policy] {name} = {value!r}: use a whole number above 0")
            if whole
            else N_("loa.toml [policy] {name} = {value!r}: use a number above 0")
        )
        raise InvalidInput(message, name=name, value=value)
    return value
