# Downwatch: Arabic messages (Modern Standard Arabic), right to left.
# Same ids as en.ftl. Technical codes stay in Latin letters and are wrapped in isolation
# marks (U+2068 … U+2069) by the terms below, as Fluent wraps every variable.
# Counts use the six Arabic plural categories: zero, one, two, few (3–10), many (11–99),
# other (100, 101...). Duals are in the oblique case (يومين، ساعتين), as every place
# they appear here follows a preposition or is an adverb of time.

-dns = {"\u2068"}DNS{"\u2069"}
-tcp = {"\u2068"}TCP{"\u2069"}
-tls = {"\u2068"}TLS{"\u2069"}
-http = {"\u2068"}HTTP{"\u2069"}
-nxdomain = {"\u2068"}NXDOMAIN{"\u2069"}
-servfail = {"\u2068"}SERVFAIL{"\u2069"}
-refused = {"\u2068"}REFUSED{"\u2069"}

app-name = Downwatch
action-details = التفاصيل

## Lists of names: «أ»، «أ وب»، «أ، ب وج».
## Each list starts with a RIGHT-TO-LEFT MARK: the list is placed in an isolate whose
## direction comes from its first strong letter, and the Arabic comma is not one, so a list
## of Latin names would otherwise be laid out left to right.

list-pair = {"\u200F"}{ $first } و{ $second }
list-more = {"\u200F"}{ $first }، { $rest }
watch-unnamed = (بلا اسم)

## Durations.

duration-seconds = { $seconds ->
    [zero] أقل من ثانية
    [one] ثانية واحدة
    [two] ثانيتين
    [few] { $seconds } ثوانٍ
   *[other] { $seconds } ثانية
}
duration-minutes = { $minutes ->
    [one] دقيقة واحدة
    [two] دقيقتين
    [few] { $minutes } دقائق
   *[other] { $minutes } دقيقة
}
duration-hours = { $hours ->
    [one] ساعة واحدة
    [two] ساعتين
    [few] { $hours } ساعات
   *[other] { $hours } ساعة
}
duration-hours-minutes = { duration-hours } و{ duration-minutes }
duration-days = { $days ->
    [one] يوم واحد
    [two] يومين
    [few] { $days } أيام
    [many] { $days } يومًا
   *[other] { $days } يوم
}
duration-days-hours = { duration-days } و{ duration-hours }

## Layers.

layer-dns = { -dns }
layer-tcp = { -tcp }
layer-tls = { -tls }
layer-http = { -http }
layer-setup = التهيئة
layer-dns-long = البحث عن الاسم ({ -dns })
layer-tcp-long = الاتصال ({ -tcp })
layer-tls-long = الاتصال الآمن ({ -tls })
layer-http-long = طلب الويب ({ -http })
layer-setup-long = تهيئة الفحص

## Watch states.

state-unknown = جارٍ الفحص…
state-up = تعمل
state-degraded = أداء متراجع
state-down = متوقفة
state-unstable = غير مستقرة
state-paused = موقوفة مؤقتًا

## Causes.

cause-dns_nxdomain = اسم النطاق غير موجود ({ -nxdomain })
cause-dns_servfail = فشل خادم الأسماء ({ -servfail })
cause-dns_refused = رفض خادم الأسماء الإجابة ({ -refused })
cause-dns_no_records = الاسم موجود لكن ليس له سجل من النوع المطلوب
cause-dns_timeout = لم يُجب خادم الأسماء في الوقت المحدد
cause-dns_protocol = أرسل خادم الأسماء إجابة غير صالحة
cause-dns_unexpected_rcode = أعاد خادم الأسماء رمز إجابة غير متوقع
cause-dns_answer_mismatch = لم تطابق إجابة خادم الأسماء القيمة المتوقعة
cause-tcp_refused = رفض الخادم الاتصال
cause-tcp_unreachable = تعذّر الوصول إلى الخادم (لا يوجد مسار إليه)
cause-tcp_timeout = انتهت مهلة الاتصال بالخادم
cause-tcp_error = فشل الاتصال بالخادم
cause-tls_expired = انتهت صلاحية الشهادة
cause-tls_not_yet_valid = الشهادة ليست سارية بعد
cause-tls_hostname_mismatch = الشهادة صادرة لاسم آخر
cause-tls_untrusted = الشهادة ليست صادرة عن جهة موثوقة
cause-tls_handshake = تعذّر إنشاء الاتصال الآمن ({ -tls })
cause-tls_timeout = انتهت مهلة إنشاء الاتصال الآمن ({ -tls })
cause-tls_expiring = تقترب صلاحية الشهادة من الانتهاء
cause-http_status = ردّ الخادم برمز حالة غير متوقع
cause-http_keyword = لا تعرض الصفحة المحتوى المتوقع
cause-http_timeout = لم يستجب الخادم في الوقت المحدد
cause-http_protocol = قطع الخادم الاستجابة
cause-http_content_encoding = الصفحة مضغوطة بطريقة تتعذّر قراءتها
cause-http_too_many_redirects = عدد مفرط من عمليات إعادة التوجيه
cause-too_slow = الاستجابة أبطأ من الحد المسموح
cause-setup_failed = تعذّرت تهيئة الفحص

## Notices.

reason-body =
    { $cause }
    { $layer }: { $detail }

down-title = { $count ->
    [one] انقطاع خدمة { $list }
    [two] انقطاع خدمتَي { $list }
   *[other] انقطاع خدمات { $list }
}
down-title-group = { $group }: { down-title }

recovered-title = { $count ->
    [one] عودة خدمة { $list } إلى العمل
    [two] عودة خدمتَي { $list } إلى العمل
   *[other] عودة خدمات { $list } إلى العمل
}
recovered-title-group = { $group }: { recovered-title }
recovered-body = استمر الانقطاع { $duration }

slow-title = { $count ->
    [one] بطء في خدمة { $list }
    [two] بطء في خدمتَي { $list }
   *[other] بطء في خدمات { $list }
}
slow-title-group = { $group }: { slow-title }

degraded-title = { $count ->
    [one] تراجع أداء خدمة { $list }
    [two] تراجع أداء خدمتَي { $list }
   *[other] تراجع أداء خدمات { $list }
}
degraded-title-group = { $group }: { degraded-title }

unstable-title = خدمة { $name } غير مستقرة
unstable-body = { $checks ->
    [one] فشل الفحص الأخير
    [two] فشل { $failures } من آخر فحصين
    [few] فشل { $failures } من آخر { $checks } فحوصات
    [many] فشل { $failures } من آخر { $checks } فحصًا
   *[other] فشل { $failures } من آخر { $checks } فحص
}
steady-title = عادت خدمة { $name } إلى الاستقرار
steady-body = استمر عدم الاستقرار { $duration }

cert-title = { $days ->
    [0] تنتهي صلاحية شهادة { $name } اليوم
    [one] تنتهي صلاحية شهادة { $name } غدًا
    [two] تنتهي صلاحية شهادة { $name } بعد يومين
    [few] تنتهي صلاحية شهادة { $name } بعد { $days } أيام
    [many] تنتهي صلاحية شهادة { $name } بعد { $days } يومًا
   *[other] تنتهي صلاحية شهادة { $name } بعد { $days } يوم
}
cert-body = بعد انتهائها سترفض المتصفحات والتطبيقات الاتصال الآمن بـ{ $name }.
cert-expired-title = انتهت صلاحية شهادة { $name }
cert-expired-body = سترفض المتصفحات والتطبيقات الاتصال الآمن بـ{ $name } حتى تُجدَّد الشهادة.

offline-title = أنت غير متصل بالإنترنت
offline-body = انقطع اتصالك أنت بالإنترنت. ستُؤجَّل تنبيهات الخدمات حتى يعود الاتصال.
portal-title = هذه الشبكة تطلب تسجيل الدخول
portal-body = تُجيب صفحة تسجيل دخول (بوابة مقيِّدة) بدلًا من الإنترنت. افتح المتصفح لتسجيل الدخول.
local-dns-title = خادم { -dns } لديك لا يعمل
local-dns-body = لا تُحَلّ الأسماء عبر خادم { -dns } لديك، مع أن الإنترنت يستجيب. تحقّق من جهاز التوجيه (الراوتر) أو من إعدادات { -dns }.

online-title = عاد الاتصال بالإنترنت
online-body = عاد اتصالك بعد انقطاع دام { $duration }.
online-body-now = يعمل اتصالك من جديد.

summary-title = { $held ->
    [zero] لا تغييرات مؤجلة
    [one] تغيير واحد مؤجل
    [two] تغييران مؤجلان
    [few] { $held } تغييرات مؤجلة
    [many] { $held } تغييرًا مؤجلًا
   *[other] { $held } تغيير مؤجل
}
summary-down = متوقفة الآن: { $down }.
summary-up = عادت إلى العمل: { $up }.
summary-body-both = { summary-down } { summary-up }
summary-body-none = لا توجد خدمة متوقفة الآن.
