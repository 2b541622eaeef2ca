/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "lab-protocol.h"
#include "lab-test-utils.h"

/* The codec on fixtures: what the tutorial's pages send and receive, and what a
 * careless or hostile client might send instead. */

static void
test_parse_action_valid (void)
{
  static const struct {
    const char *text;
    LabAction   action;
  } fixtures[] = {
    { "{\"action\":\"plus\"}", LAB_ACTION_PLUS },
    { "{\"action\":\"minus\"}", LAB_ACTION_MINUS },
    { "{\"action\": \"plus\"}", LAB_ACTION_PLUS },          /* Python's json.dumps spacing */
    { "  {\n\"action\" : \"minus\"\n}  ", LAB_ACTION_MINUS },
    { "{\"action\":\"plus\",\"extra\":[1,2,3]}", LAB_ACTION_PLUS },
    { "{\"note\":\"caf\xc3\xa9 \xe2\x9c\x93\",\"action\":\"minus\"}", LAB_ACTION_MINUS },
    /* All of RFC 8259 that a client might send along. */
    { "{\"action\":\"pl\\u0075s\"}", LAB_ACTION_PLUS },
    { "{\"n\":[-0,0.5,1e3,-2.5E-3,12],\"o\":{\"t\":true,\"f\":false,\"z\":null},\"action\":\"plus\"}",
      LAB_ACTION_PLUS },
    { "{\"s\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\",\"action\":\"minus\"}", LAB_ACTION_MINUS },
    { "\r\n\t{\"action\":\"plus\"}\r\n", LAB_ACTION_PLUS },
  };

  for (guint i = 0; i < G_N_ELEMENTS (fixtures); i++)
    {
      g_autoptr(GError) error = NULL;
      LabAction action = -1;

      g_test_message ("fixture: %s", fixtures[i].text);
      g_assert_true (lab_protocol_parse_action (fixtures[i].text, -1, &action, &error));
      g_assert_no_error (error);
      g_assert_cmpint (action, ==, fixtures[i].action);
    }
}

static void
test_parse_action_invalid (void)
{
  static const struct {
    const char       *text;
    LabProtocolError  code;
  } fixtures[] = {
    { "", LAB_PROTOCOL_ERROR_NOT_JSON },
    { "plus", LAB_PROTOCOL_ERROR_NOT_JSON },
    { "{\"action\":\"plus\"", LAB_PROTOCOL_ERROR_NOT_JSON },
    { "[\"plus\"]", LAB_PROTOCOL_ERROR_NOT_OBJECT },
    { "\"plus\"", LAB_PROTOCOL_ERROR_NOT_OBJECT },
    { "42", LAB_PROTOCOL_ERROR_NOT_OBJECT },
    { "null", LAB_PROTOCOL_ERROR_NOT_OBJECT },
    { "{}", LAB_PROTOCOL_ERROR_MISSING_FIELD },
    { "{\"Action\":\"plus\"}", LAB_PROTOCOL_ERROR_MISSING_FIELD },
    { "{\"action\":1}", LAB_PROTOCOL_ERROR_WRONG_TYPE },
    { "{\"action\":null}", LAB_PROTOCOL_ERROR_WRONG_TYPE },
    { "{\"action\":[\"plus\"]}", LAB_PROTOCOL_ERROR_WRONG_TYPE },
    { "{\"action\":{\"name\":\"plus\"}}", LAB_PROTOCOL_ERROR_WRONG_TYPE },
    { "{\"action\":true}", LAB_PROTOCOL_ERROR_WRONG_TYPE },
    { "{\"action\":1e999}", LAB_PROTOCOL_ERROR_WRONG_TYPE },
    { "{\"action\":\"PLUS\"}", LAB_PROTOCOL_ERROR_UNKNOWN_ACTION },
    { "{\"action\":\"reset\"}", LAB_PROTOCOL_ERROR_UNKNOWN_ACTION },
    { "{\"action\":\"plus \"}", LAB_PROTOCOL_ERROR_UNKNOWN_ACTION },
    { "{\"action\":\"pl\\u0000us\"}", LAB_PROTOCOL_ERROR_UNKNOWN_ACTION },
    { "{\"action\":\"\xe2\x9e\x95\"}", LAB_PROTOCOL_ERROR_UNKNOWN_ACTION },
    /* What json-glib 1.6 alone would take, and RFC 8259 does not. */
    { "{'action':'plus'}", LAB_PROTOCOL_ERROR_NOT_JSON },
    { "{\"action\":'plus'}", LAB_PROTOCOL_ERROR_NOT_JSON },
    { "{\"action\":\"plus\",}", LAB_PROTOCOL_ERROR_NOT_JSON },
    { "{\"action\":\"plus\"} // plus", LAB_PROTOCOL_ERROR_NOT_JSON },
    { "/* c */ {\"action\":\"plus\"}", LAB_PROTOCOL_ERROR_NOT_JSON },
    { "{action:\"plus\"}", LAB_PROTOCOL_ERROR_NOT_JSON },
    { "{\"action\":\"plus\"}{}", LAB_PROTOCOL_ERROR_NOT_JSON },
    { "{\"action\":\"plus\",\"n\":NaN}", LAB_PROTOCOL_ERROR_NOT_JSON },
    { "{\"action\":\"plus\",\"n\":Infinity}", LAB_PROTOCOL_ERROR_NOT_JSON },
    { "{\"action\":\"plus\",\"n\":01}", LAB_PROTOCOL_ERROR_NOT_JSON },
    { "{\"action\":\"plus\",\"n\":+1}", LAB_PROTOCOL_ERROR_NOT_JSON },
    { "{\"action\":\"plus\",\"n\":.5}", LAB_PROTOCOL_ERROR_NOT_JSON },
    { "{\"action\":\"plus\",\"n\":1.}", LAB_PROTOCOL_ERROR_NOT_JSON },
    { "{\"action\":\"pl\tus\"}", LAB_PROTOCOL_ERROR_NOT_JSON },
    { "{\"action\":\"plus\\x41\"}", LAB_PROTOCOL_ERROR_NOT_JSON },
    { "{\"action\":\"plus\\u00\"}", LAB_PROTOCOL_ERROR_NOT_JSON },
    { "{\"action\":\"plus\",\"t\":True}", LAB_PROTOCOL_ERROR_NOT_JSON },
    { "{\"action\":\"plus\"\f}", LAB_PROTOCOL_ERROR_NOT_JSON },
    { "{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
      LAB_PROTOCOL_ERROR_NOT_JSON },
  };

  for (guint i = 0; i < G_N_ELEMENTS (fixtures); i++)
    {
      g_autoptr(GError) error = NULL;
      LabAction action = -1;

      g_test_message ("fixture: %s", fixtures[i].text);
      g_assert_false (lab_protocol_parse_action (fixtures[i].text, -1, &action, &error));
      g_assert_error (error, LAB_PROTOCOL_ERROR, fixtures[i].code);
      g_assert_cmpint ((int) action, ==, -1);
      /* The message goes back to the client: it must say something. */
      g_assert_cmpuint (strlen (error->message), >, 10);
    }
}

static void
test_parse_action_length (void)
{
  g_autoptr(GError) error = NULL;
  LabAction action;

  /* Only @length bytes count: a valid object followed by garbage. */
  g_assert_true (lab_protocol_parse_action ("{\"action\":\"plus\"}garbage", 17, &action, &error));
  g_assert_no_error (error);
  g_assert_cmpint (action, ==, LAB_ACTION_PLUS);
}

static void
test_parse_server_event (void)
{
  LabServerEvent event;
  g_autoptr(GError) error = NULL;

  g_assert_true (lab_protocol_parse_server_event ("{\"type\":\"state\",\"value\":5}", -1, &event, &error));
  g_assert_no_error (error);
  g_assert_cmpint (event.type, ==, LAB_SERVER_EVENT_STATE);
  g_assert_cmpint (event.value, ==, 5);

  /* The current upstream tutorial names it "value". */
  g_assert_true (lab_protocol_parse_server_event ("{\"type\":\"value\",\"value\":-12}", -1, &event, &error));
  g_assert_cmpint (event.type, ==, LAB_SERVER_EVENT_STATE);
  g_assert_cmpint (event.value, ==, -12);

  g_assert_true (lab_protocol_parse_server_event ("{\"value\":7.0,\"type\":\"state\"}", -1, &event, &error));
  g_assert_cmpint (event.value, ==, 7);

  g_assert_true (lab_protocol_parse_server_event ("{\"type\":\"state\",\"value\":9007199254740991}", -1, &event, &error));
  g_assert_cmpint (event.value, ==, LAB_COUNTER_MAX);

  g_assert_true (lab_protocol_parse_server_event ("{\"type\":\"users\",\"count\":3}", -1, &event, &error));
  g_assert_cmpint (event.type, ==, LAB_SERVER_EVENT_USERS);
  g_assert_cmpuint (event.count, ==, 3);

  g_assert_true (lab_protocol_parse_server_event ("{\"type\":\"error\",\"message\":\"Non \xc3\xa8 valido\"}", -1, &event, &error));
  g_assert_cmpint (event.type, ==, LAB_SERVER_EVENT_ERROR);
  g_assert_cmpstr (event.message, ==, "Non \xc3\xa8 valido");
  lab_server_event_clear (&event);
  g_assert_null (event.message);
}

static void
test_parse_server_event_invalid (void)
{
  static const struct {
    const char       *text;
    LabProtocolError  code;
  } fixtures[] = {
    { "2026-11-26T22:49:25.123456Z", LAB_PROTOCOL_ERROR_NOT_JSON },
    { "[]", LAB_PROTOCOL_ERROR_NOT_OBJECT },
    { "{\"value\":1}", LAB_PROTOCOL_ERROR_MISSING_FIELD },
    { "{\"type\":\"state\"}", LAB_PROTOCOL_ERROR_MISSING_FIELD },
    { "{\"type\":\"state\",\"value\":\"1\"}", LAB_PROTOCOL_ERROR_WRONG_TYPE },
    { "{\"type\":\"state\",\"value\":1.5}", LAB_PROTOCOL_ERROR_WRONG_TYPE },
    { "{\"type\":\"state\",\"value\":1e999}", LAB_PROTOCOL_ERROR_WRONG_TYPE },
    { "{\"type\":\"state\",\"value\":9007199254740992}", LAB_PROTOCOL_ERROR_OUT_OF_RANGE },
    { "{\"type\":\"state\",\"value\":-9007199254740992}", LAB_PROTOCOL_ERROR_OUT_OF_RANGE },
    { "{\"type\":\"state\",\"value\":1e300}", LAB_PROTOCOL_ERROR_OUT_OF_RANGE },
    { "{\"type\":\"users\",\"count\":-1}", LAB_PROTOCOL_ERROR_OUT_OF_RANGE },
    { "{\"type\":\"users\",\"count\":99999999999}", LAB_PROTOCOL_ERROR_OUT_OF_RANGE },
    { "{\"type\":\"error\",\"message\":3}", LAB_PROTOCOL_ERROR_WRONG_TYPE },
    { "{\"type\":\"chat\",\"text\":\"hi\"}", LAB_PROTOCOL_ERROR_UNKNOWN_EVENT },
    { "{\"type\":7}", LAB_PROTOCOL_ERROR_WRONG_TYPE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (fixtures); i++)
    {
      g_autoptr(GError) error = NULL;
      LabServerEvent event;

      g_test_message ("fixture: %s", fixtures[i].text);
      g_assert_false (lab_protocol_parse_server_event (fixtures[i].text, -1, &event, &error));
      g_assert_error (error, LAB_PROTOCOL_ERROR, fixtures[i].code);
      lab_server_event_clear (&event);
    }
}

static void
test_format (void)
{
  g_autofree char *state = lab_protocol_format_state (-42);
  g_autofree char *users = lab_protocol_format_users (1);
  g_autofree char *plus = lab_protocol_format_action (LAB_ACTION_PLUS);
  g_autofree char *minus = lab_protocol_format_action (LAB_ACTION_MINUS);
  g_autofree char *error = lab_protocol_format_error ("Bad \"quote\" \\ and\nnewline \xc3\xa9");
  g_autofree char *greeting = lab_protocol_format_greeting ("Zo\xc3\xab");
  LabServerEvent event;
  LabAction action;

  g_assert_cmpstr (state, ==, "{\"type\":\"state\",\"value\":-42}");
  g_assert_cmpstr (users, ==, "{\"type\":\"users\",\"count\":1}");
  g_assert_cmpstr (plus, ==, "{\"action\":\"plus\"}");
  g_assert_cmpstr (greeting, ==, "Hello Zo\xc3\xab!");

  /* What we write, we read back. */
  g_assert_true (lab_protocol_parse_action (minus, -1, &action, NULL));
  g_assert_cmpint (action, ==, LAB_ACTION_MINUS);
  g_assert_true (lab_protocol_parse_server_event (error, -1, &event, NULL));
  g_assert_cmpint (event.type, ==, LAB_SERVER_EVENT_ERROR);
  g_assert_cmpstr (event.message, ==, "Bad \"quote\" \\ and\nnewline \xc3\xa9");
  lab_server_event_clear (&event);
}

static void
test_format_timestamp (void)
{
  g_autoptr(GTimeZone) paris = g_time_zone_new_identifier ("+01:00");
  g_autoptr(GDateTime) local = g_date_time_new (paris, 2026, 11, 26, 23, 49, 25.000123);
  g_autoptr(GDateTime) whole = g_date_time_new_utc (2026, 1, 2, 3, 4, 5);
  g_autofree char *text = lab_protocol_format_timestamp (local);
  g_autofree char *whole_text = lab_protocol_format_timestamp (whole);

  /* Converted to UTC; always six digits of microseconds, like Python's isoformat. */
  g_assert_cmpstr (text, ==, "2026-11-26T22:49:25.000123Z");
  g_assert_cmpstr (whole_text, ==, "2026-01-02T03:04:05.000000Z");
}

int
main (int   argc,
      char *argv[])
{
  lab_test_init (&argc, &argv);

  g_test_add_func ("/protocol/action/valid", test_parse_action_valid);
  g_test_add_func ("/protocol/action/invalid", test_parse_action_invalid);
  g_test_add_func ("/protocol/action/length", test_parse_action_length);
  g_test_add_func ("/protocol/server-event/valid", test_parse_server_event);
  g_test_add_func ("/protocol/server-event/invalid", test_parse_server_event_invalid);
  g_test_add_func ("/protocol/format", test_format);
  g_test_add_func ("/protocol/format/timestamp", test_format_timestamp);

  return g_test_run ();
}
