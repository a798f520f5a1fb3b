"""On PostgreSQL, a limited perk's use is decided inside the check's own INSERT, in one statement.

`loyalty_perk_use_refusal(holder, perk, day, daily, monthly, daily_code, monthly_code)` takes a transaction-level
advisory lock on the holder, then counts the holder's accepted uses of the perk today and this month (all their
cards) and answers the refusal code, or '' when the use is accepted. It is VOLATILE, so in READ COMMITTED the
count takes a snapshot of its own after the lock is granted: a use committed by a concurrent check that held the
lock is counted. The INSERT that calls it (loyalty.services._insert_counted_use) runs in autocommit, so the lock
lasts until that check is committed, and two uses at once cannot both take the last one. This replaced BEGIN,
SELECT … FOR UPDATE of the card, the counting INSERT and COMMIT (four round trips, a row lock written to the card's
page); it also holds across two cards of one holder used at the same moment, which the card's lock did not.

SQLite (the newcomer's default) has no such functions; there the service counts in a transaction of its own.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION loyalty_perk_use_refusal(
    p_holder bigint, p_perk bigint, p_day date, p_daily integer, p_monthly integer,
    p_daily_code text, p_monthly_code text) RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    used_today bigint;
    used_month bigint;
BEGIN
    -- 1280266329 is 'LOYA' as an integer: the namespace of these locks; the key, the holder's id.
    PERFORM pg_advisory_xact_lock(1280266329, hashint8(p_holder));
    SELECT COALESCE(SUM(CASE WHEN c.day = p_day THEN 1 ELSE 0 END), 0), COUNT(*)
      INTO used_today, used_month
      FROM loyalty_check c
     WHERE c.perk_id = p_perk AND c.accepted
       AND c.day >= date_trunc('month', p_day)::date AND c.day <= p_day
       AND c.card_id IN (SELECT k.id FROM loyalty_card k WHERE k.holder_id = p_holder);
    IF p_daily IS NOT NULL AND used_today >= p_daily THEN
        RETURN p_daily_code;
    END IF;
    IF p_monthly IS NOT NULL AND used_month >= p_monthly THEN
        RETURN p_monthly_code;
    END IF;
    RETURN '';
END;
$$;
"""
DROP = "DROP FUNCTION IF EXISTS loyalty_perk_use_refusal(bigint, bigint, date, integer, integer, text, text);"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("loyalty", "0004_check_indexes_led_by_composites")]
    operations = [migrations.RunPython(forwards, backwards)]
