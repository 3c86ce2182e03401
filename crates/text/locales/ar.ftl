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

history-moved-title = تعذّرت قراءة السجل
history-moved-body = حُفظ الملف التالف باسم { $path } وبدأ سجل جديد. المراقبة مستمرة.

## Texts shown as they are.

verbatim = { $text }

## Sizes.

size-bytes = { $n } بايت
size-kib = { $n } كيلوبايت
size-mib = { $n } ميغابايت

## What a probe saw. Literal Latin fragments are left-to-right isolates (terms below).

-http-scheme = {"\u2066"}http://{"\u2069"}
-https-scheme = {"\u2066"}https://{"\u2069"}
-ca-option = {"\u2066"}--ca{"\u2069"}
-ssh = {"\u2066"}SSH{"\u2069"}
-content-length = {"\u2066"}Content-Length{"\u2069"}
-dns-a-aaaa = {"\u2066"}A{"\u2069"} أو {"\u2066"}AAAA{"\u2069"}
-tls-old = {"\u2066"}TLS 1.0{"\u2069"} أو {"\u2066"}TLS 1.1{"\u2069"}

setup-failed = تعذّر تجهيز الفحص: { $detail }

dns-nxdomain = { -nxdomain } من { $server }: الاسم { $name } غير موجود
dns-servfail = { -servfail } من { $server }
dns-refused = { -refused } من { $server }
dns-no-records = لا يوجد للاسم { $name } سجل من النوع { $type } (إجابة من { $server })
dns-no-address = لا يوجد للاسم { $name } سجل { -dns-a-aaaa } (إجابة من { $server })
dns-rcode = { $rcode } من { $server }
dns-rcode-instead = { $rcode } من { $server } بدلًا من { $wanted }
dns-answer-mismatch = لا تحتوي أي إجابة على «{ $needle }» (الإجابات: { $got })
dns-answer-none = لا تحتوي أي إجابة على «{ $needle }» (لم تصل أي إجابة)
dns-wrong-id = لم يُرسل { $server } إلا ردودًا على استعلام آخر (معرّف خاطئ)
dns-timeout = لا إجابة من { $server }
dns-malformed = ردّ مشوّه ({ $bytes } بايت) من { $server }: ليس رسالة { -dns } صالحة
dns-malformed-tcp = ردّ مشوّه عبر { -tcp } ({ $bytes } بايت) من { $server }: ليس رسالة { -dns } صالحة
dns-tcp-wrong-id = ردّ { $server } عبر { -tcp } على استعلام آخر (معرّف خاطئ)
dns-bad-query = تعذّر سؤال { $server } عن هذا الاسم: { $detail }
dns-port-unreachable = لا يُجيب أي خادم أسماء على { $server } (المنفذ غير متاح)
dns-unreachable = تعذّر الوصول إلى { $server }: { $error }

tcp-no-address = لا يوجد عنوان للاتصال به
tcp-timeout = لا إجابة من { $addr } (انتهت مهلة الاتصال)
tcp-refused = رفض { $addr } الاتصال
tcp-no-route-network = تعذّر الوصول إلى { $addr }: لا يوجد لدى هذا الحاسوب مسار إلى شبكته
tcp-no-route-host = تعذّر الوصول إلى { $addr }: تقول الشبكة إنه لا يوجد مسار إلى هذا الجهاز
tcp-blocked = حُظر الاتصال بـ{ $addr } على هذا الحاسوب (قاعدة في جدار الحماية)
tcp-error = تعذّر الاتصال بـ{ $addr }: { $error }

tls-bad-server-name = لا يمكن إرسال { $name } اسمًا للخادم في { -tls } ({ $error })
tls-timeout = لم تكتمل مصافحة { -tls } في الوقت المحدد
tls-closed = أغلق الخادم الاتصال أثناء مصافحة { -tls }
tls-reset = قطع الخادم الاتصال فجأة أثناء مصافحة { -tls }
tls-failed = فشلت مصافحة { -tls }: { $error }
tls-not-tls = لم يتحدث الخادم بـ{ -tls } (ما أرسله ليس سجل { -tls })
tls-plain-http = لم يتحدث الخادم بـ{ -tls }: أجاب بـ{ -http } عادي (هذا المنفذ يخدم { -http-scheme } لا { -https-scheme })
tls-ssh = لم يتحدث الخادم بـ{ -tls }: إنه خادم { -ssh }
tls-no-certificate = لم يُرسل الخادم أي شهادة، فلا يمكن التحقق من هويته
tls-decrypt-error = فشلت مصافحة الخادم في فحص تشفيري (مفتاحه لا يطابق شهادته، أو عُدّلت البيانات في الطريق)
tls-misbehaved = خالف الخادم بروتوكول { -tls } ({ $what })
tls-alert-version = رفض الخادم إصدارات { -tls } التي يتحدث بها Downwatch ({ $offered }): لا يقبل إلا إصدارًا آخر، على الأرجح إصدارًا قديمًا ({ -tls-old })
tls-alert-handshake = رفض الخادم المصافحة: لم يجد إعدادات تشفير مشتركة مع Downwatch (مجموعة التشفير أو تبادل المفاتيح أو خوارزمية التوقيع في { $offered })
tls-alert-security = يطلب الخادم إعدادات تشفير أقوى مما عرضه Downwatch ({ $offered })
tls-alert-name = لا يخدم الخادم الاسم { $host } (رفض الاسم المطلوب)
tls-alert-client-cert = يطلب الخادم شهادة من العميل، ولا يُرسل Downwatch شهادة
tls-alert-denied = رفض الخادم الوصول أثناء مصافحة { -tls }
tls-alert-internal = أصاب الخادم خطأ داخلي أثناء مصافحة { -tls }
tls-alert-protocols = لا يتحدث الخادم أيًّا من البروتوكولات المطلوبة ({ $protocols })
tls-alert-other = أنهى الخادم مصافحة { -tls } بالتنبيه «{ $alert }»
tls-old-version = لا يتحدث الخادم إلا { $version }، وهو إصدار يرفضه Downwatch لأنه غير آمن (يلزم { $offered })
tls-old-version-unknown = لا يتحدث الخادم إلا إصدارًا قديمًا من { -tls }، يرفضه Downwatch لأنه غير آمن (يلزم { $offered })
tls-no-common-suite = لا توجد مجموعة تشفير مشتركة بين الخادم وDownwatch ({ $offered })
tls-no-common-group = لا توجد مجموعة تبادل مفاتيح مشتركة بين الخادم وDownwatch ({ $offered })
tls-no-common-signature = لا توجد خوارزمية توقيع مشتركة بين الخادم وDownwatch ({ $offered })
tls-incompatible = طلب الخادم ميزات في { -tls } لا يدعمها Downwatch ({ $what })
tls-expired = { $days ->
    [0] انتهت صلاحية الشهادة اليوم
    [one] انتهت صلاحية الشهادة منذ يوم واحد
    [two] انتهت صلاحية الشهادة منذ يومين
    [few] انتهت صلاحية الشهادة منذ { $days } أيام
    [many] انتهت صلاحية الشهادة منذ { $days } يومًا
   *[other] انتهت صلاحية الشهادة منذ { $days } يوم
} ({ $date })
tls-not-yet-valid = الشهادة ليست سارية بعد (تحقّق من ساعة الخادم أو ساعة هذا الحاسوب)
tls-not-for-host = الشهادة غير صالحة للاسم { $host }
tls-other-names = الشهادة صادرة لـ{ $names }، لا لـ{ $host }
tls-self-signed = الشهادة موقّعة ذاتيًا ({ $issuer }) وليست موثوقة
tls-unknown-issuer = الشهادة صادرة عن جهة غير معروفة ({ $issuer })
tls-untrusted-root = أرسل الخادم { $count ->
    [two] شهادتين
    [few] { $count } شهادات
    [many] { $count } شهادة
   *[other] { $count } شهادة
}، لكن السلسلة تنتهي عند جهة لا يثق بها هذا الحاسوب ({ $root })
tls-missing-intermediate = لم يُرسل الخادم شهادته الوسيطة: أرسل شهادته وحدها، الصادرة عن { $issuer }، وهي ليست جهة جذرية موثوقة (الشهادة الناقصة منشورة على { $url })
tls-leaf-unknown-issuer = أرسل الخادم شهادته وحدها، الصادرة عن جهة غير معروفة ({ $issuer }): إما أن الخادم أغفل شهادته الوسيطة، وإما أن هذه الجهة خاصة (أعطِ شهادتها بالخيار { -ca-option })
tls-bad-signature = الشهادة غير موثوقة: توقيعها لا يطابق الجهة الموثوقة المسماة { $issuer } (جهة أخرى بالاسم نفسه، أو شهادة معدّلة)
tls-weak-signature = الشهادة موقّعة بخوارزمية يرفضها Downwatch لأنها غير آمنة أو غير معروفة (الجهة المصدرة { $issuer })
tls-revoked = ألغت الجهة المصدرة هذه الشهادة
tls-wrong-purpose = الشهادة ليست مخصصة لخادم (استخدامها لا يشمل مصادقة خوادم { -tls })
tls-critical-extension = في الشهادة امتداد حرج لا يفهمه Downwatch
tls-bad-encoding = شهادة الخادم مشوّهة
tls-untrusted = الشهادة غير موثوقة: { $error }
tls-expiring = { $days ->
    [0] تنتهي صلاحية الشهادة اليوم
    [one] تنتهي صلاحية الشهادة بعد يوم واحد
    [two] تنتهي صلاحية الشهادة بعد يومين
    [few] تنتهي صلاحية الشهادة بعد { $days } أيام
    [many] تنتهي صلاحية الشهادة بعد { $days } يومًا
   *[other] تنتهي صلاحية الشهادة بعد { $days } يوم
}

http-status = رمز الحالة { $status } { $reason } (المتوقع { $expected })
http-too-many-redirects = { $max ->
    [one] أكثر من إعادة توجيه واحدة
    [two] أكثر من إعادتي توجيه
    [few] أكثر من { $max } عمليات إعادة توجيه
   *[other] أكثر من { $max } عملية إعادة توجيه
} (التالية: { $next })
http-redirect-scheme = إعادة توجيه إلى المخطط { $scheme }، ولا يتبعه Downwatch (فقط { -http-scheme } و{ -https-scheme })
http-redirect-invalid = إعادة توجيه إلى موقع غير صالح «{ $location }»
http-bad-host = مضيف إعادة التوجيه { $host } غير صالح: { $error }
http-request-invalid = تعذّر بناء الطلب: { $error }
http-no-headers = لم تصل ترويسات الاستجابة من { $addr } في الوقت المحدد
http-tls-on-plain = أجاب الخادم على { $addr } بـ{ -tls }، لا بـ{ -http } عادي (هذا المنفذ يخدم { -https-scheme } لا { -http-scheme })
http-head-too-large = رأس الاستجابة يتجاوز حدود Downwatch ({ $kib } كيلوبايت، { $fields } حقل ترويسة): { $detail }
http-h2-headers-refused = رُفضت ترويسات استجابة { -http }/2: تتجاوز حد Downwatch ({ $kib } كيلوبايت لقائمة الترويسات) أو مشوّهة ({ $detail })
http-closed-early = أغلق الخادم الاتصال قبل اكتمال الاستجابة ({ $detail })
http-broken = خالف الخادم بروتوكول { -http }: { $detail }
http-body-deadline = لم يكتمل جسم الاستجابة عند انتهاء المهلة (وصل { $coded ->
    [yes] { $wire } عبر الشبكة، { $decoded } بعد فك الضغط
   *[no] { $decoded }
})
http-body-cut = أغلق الخادم الاتصال بعد إرسال { $wire } من أصل { $length } بايت أعلن عنها للجسم ({ -content-length })
http-body-chunked-cut = أغلق الخادم الاتصال في منتصف الجسم المقسّم، بعد { $coded ->
    [yes] { $wire } عبر الشبكة، { $decoded } بعد فك الضغط
   *[no] { $decoded }
}
http-body-broken = انكسر جسم الاستجابة بعد { $coded ->
    [yes] { $wire } عبر الشبكة، { $decoded } بعد فك الضغط
   *[no] { $decoded }
}: { $detail }
http-encoding-cut = ينتهي الجسم المضغوط بـ{ $coding } قبل نهاية بياناته المضغوطة، بعد { $coded ->
    [yes] { $wire } عبر الشبكة، { $decoded } بعد فك الضغط
   *[no] { $decoded }
}
http-encoding-corrupt = الجسم المضغوط بـ{ $coding } تالف ({ $error })، بعد { $coded ->
    [yes] { $wire } عبر الشبكة، { $decoded } بعد فك الضغط
   *[no] { $decoded }
}
http-encoding-unknown = الجسم مرمّز بـ{ $coding }، ولا يستطيع Downwatch فكّه (يفكّ gzip وdeflate وbr)
http-encoding-stacked = الجسم مرمّز { $count } مرات متتالية ({ $codings })؛ ولا يفكّ Downwatch أكثر من { $max }
http-keyword-capped = { $kind ->
    [keyword] الكلمة «{ $pattern }»
   *[pattern] النمط /{ $pattern }/
} غير موجودة في أول { $size } من الجسم (حد القراءة)
http-keyword-missing = { $kind ->
    [keyword] الكلمة «{ $pattern }»
   *[pattern] النمط /{ $pattern }/
} غير موجودة في الجسم ({ $size })
http-keyword-forbidden = { $kind ->
    [keyword] الكلمة الممنوعة «{ $pattern }»
   *[pattern] النمط الممنوع /{ $pattern }/
} موجودة في الجسم
too-slow = استغرق { $took } ث، فوق الحد { $limit } ث

## `downwatch check`'s text output.

check-up = تعمل
check-degraded = أداء متراجع
check-down = متوقفة
check-head = { $word }  { $target } — { $summary }
check-failure = { $mark }: { $message } [{ $code }]
check-failed = فشل
check-warning = تحذير
check-not-reached = لم يُبلَغ
check-total = المجموع
check-ms = م.ث
check-join = { $first }، { $second }
check-up-http = { $version } { $status }
check-cert-valid = { $days ->
    [one] الشهادة صالحة ليوم واحد آخر
    [two] الشهادة صالحة ليومين آخرين
    [few] الشهادة صالحة { $days } أيام أخرى
    [many] الشهادة صالحة { $days } يومًا آخر
   *[other] الشهادة صالحة { $days } يوم آخر
}
check-handshake-done = اكتملت المصافحة
check-connected-to = تم الاتصال بـ{ $addr }
check-connected = تم الاتصال
check-dns-expected = { $rcode } من { $server }، كما هو متوقع
check-dns-expected-here = { $rcode }، كما هو متوقع
check-and-more = { $list } و{ $more } غيرها
check-no-lookup = عنوان مُعطى، بلا بحث عن اسم
check-no-answer = لا إجابة
check-dns-detail = { $answers } ({ $rcode } من { $server })
check-dns-detail-tcp = { $answers } ({ $rcode } من { $server } عبر { -tcp })
check-dns-from = { $answers } (من { $server })
check-cert-until = { $days ->
    [one] الشهادة صالحة ليوم واحد آخر
    [two] الشهادة صالحة ليومين آخرين
    [few] الشهادة صالحة { $days } أيام أخرى
    [many] الشهادة صالحة { $days } يومًا آخر
   *[other] الشهادة صالحة { $days } يوم آخر
} (حتى { $until })
check-issued-by = صادرة عن { $issuer }
check-http-line = { $version } { $status }، { $bytes } بايت في الجسم
check-http-encoded = { $line } ({ $coding }، { $wire } عبر الشبكة)
check-http-capped = { $line } (توقفت القراءة عند الحد)
check-redirects = { $count ->
    [one] إعادة توجيه واحدة إلى { $url }
    [two] إعادتا توجيه إلى { $url }
    [few] { $count } عمليات إعادة توجيه إلى { $url }
   *[other] { $count } عملية إعادة توجيه إلى { $url }
}

## شريط النظام (crates/tray). يضيف الشريط علامة اتجاه من اليمين إلى اليسار (U+200F)
## في أول كل سطر: لا تعرف أغلب لوحات dbusmenu اتجاه النص، فتُرتَّب الأسطر التي تبدأ باسم
## لاتيني من اليسار لولا هذه العلامة.

tray-summary-all-up = { $count ->
    [one] الخدمة تعمل
    [two] الخدمتان تعملان
   *[other] كل الخدمات تعمل ({ $count })
}
tray-summary-none = لا توجد خدمات مراقَبة بعد
tray-summary-group-down = انقطاع { $group }: { $list }
tray-summary-unstable = { $count ->
    [one] خدمة { $list } غير مستقرة
    [two] خدمتا { $list } غير مستقرتين
   *[other] خدمات { $list } غير مستقرة
}
tray-summary-checking = جارٍ فحص الخدمات…
tray-summary-paused = المراقبة موقوفة حتى الاستئناف
tray-summary-paused-for = المراقبة موقوفة، بقي { $duration }
tray-watch-latency = { $name }: { $state } ({ $ms } م.ث)
tray-watch = { $name }: { $state }
tray-watch-problem = { $name }: { $state } منذ { $duration } - { $layer }: { $detail }
tray-watch-problem-short = { $name }: { $state } منذ { $duration }
tray-watch-paused-for = { $name }: موقوفة مؤقتًا، بقي { $duration }
tray-group = { $group }: { $state } ({ $count ->
    [one] خدمة واحدة
    [two] خدمتان
    [few] { $count } خدمات
   *[other] { $count } خدمة
})
tray-check-now = افحص الكل الآن
tray-pause = إيقاف مؤقت
tray-pause-15-min = أوقف لمدة ١٥ دقيقة
tray-pause-1-hour = أوقف لمدة ساعة
tray-pause-until-resumed = أوقف حتى الاستئناف
tray-resume = استئناف المراقبة
tray-open-history = افتح السجل
tray-settings = الإعدادات…
tray-start-at-login = التشغيل عند تسجيل الدخول
tray-quit = إنهاء {"\u2068"}Downwatch{"\u2069"}

## `downwatch open`.

open-no-window = لا يمكن عرض { $what }: نافذة السجل ({"\u2066"}downwatch-window{"\u2069"}) غير مثبتة بجانب {"\u2068"}Downwatch{"\u2069"} ({ $dir }) ولا في مسار البحث ({"\u2066"}PATH{"\u2069"}).
open-failed = لا يمكن عرض { $what }: تعذّر تشغيل { $program } ({ $error }).
open-what-overview = السجل
open-what-watch = سجل { $name }
open-what-incident = الحادثة { $id }
open-what-settings = الإعدادات

## `downwatch status`: one watch per block, from the history.

status-head = { $watch }  { $word }  منذ { $since } ({ $ago })
status-head-at-least = { $watch }  { $word }  منذ { $since } أو قبل ذلك ({ $ago } على الأقل)
status-last = آخر فحص { $when }، { $latency } م.ث
status-uptime = نسبة التشغيل خلال 24 ساعة { $percent }
status-uptime-none = نسبة التشغيل خلال 24 ساعة: لا توجد بيانات
status-line = {"  "}{ $last }؛ { $uptime }
status-reason = { $layer }: { $cause }
status-paused = موقوفة مؤقتًا حتى الاستئناف
status-paused-for = موقوفة مؤقتًا، بقي { $duration }
status-incident = حادثة مفتوحة منذ { $since } ({ $kind })
status-incident-cause = { $incident }: { $cause }
status-nothing-yet = لم يُفحص أي هدف بعد (السجل في { $dir }).
status-no-history = لا يوجد سجل في { $dir } بعد: يكتبه الأمر `downwatch run` هناك (أو مرّر --data-dir).

## نافذة السجل (ui/): تسمياتها الخاصة. تصل الأرقام منسّقة؛ $time تاريخ ووقت محليان،
## و$duration نص من duration-*.

window-title = سجل Downwatch
window-nav = طرق العرض
window-nav-overview = نظرة عامة
window-nav-incidents = الحوادث
window-language = اللغة
window-language-en = English
window-language-ar = العربية
window-disconnected = برنامج المراقبة Downwatch لا يعمل. ستعرض هذه النافذة بياناته من جديد فور عودته.
window-missed = فاتت النافذةَ بعضُ التحديثات المباشرة، فأُعيد تحميل العرض.
window-loading = جارٍ التحميل…
window-error-unreachable = برنامج المراقبة Downwatch لا يُجيب على { $socket }.
window-error-api = رفض برنامج المراقبة الطلب ({ $code }): { $message }
window-error-code-no_such_watch = لا توجد لدى برنامج المراقبة خدمة بهذا الاسم (هل تغيّرت الإعدادات؟).
window-error-code-paused = المراقبة موقوفة مؤقتًا: استأنفها أولًا.
window-error-code-history_unavailable = تعذّر على برنامج المراقبة قراءة السجل الآن.
window-error-code-stopped = برنامج المراقبة يتوقف الآن.
window-error-code-too_many_clients = يخدم برنامج المراقبة عددًا كبيرًا من النوافذ والبرامج في آنٍ واحد؛ أغلق أحدها وحاول مجددًا.
window-error-code-forbidden = برنامج المراقبة يخص مستخدمًا آخر.
window-error-protocol = تعذّرت قراءة إجابة برنامج المراقبة: { $message }
window-error-not-allowed = لا يحق لهذه النافذة القيام بذلك ({ $call }).
window-error-no-such-watch = لا توجد خدمة مراقَبة باسم { $name }.
window-error-no-incident = لا توجد الحادثة { $id } في السجل.
window-unit-ms = { $n } م.ث
window-unit-s = { $n } ث
window-unit-percent = { $n }٪
window-no-data = لا توجد بيانات
window-none = –
verdict-online = اتصالك يعمل: أي عطل هو عطل الخدمة نفسها
verdict-offline = أنت غير متصل بالإنترنت: لا شيء يُجيب، ولا حتى خوادم التحقق
verdict-captive_portal = تُجيب صفحة تسجيل دخول بدلًا من الإنترنت (بوابة مقيّدة)
verdict-local_dns_broken = خادم الأسماء ({ -dns }) لديك معطّل، بينما تعمل العناوين
window-paused-all = المراقبة موقوفة مؤقتًا حتى { $time }
window-paused-all-resumed = المراقبة موقوفة مؤقتًا حتى الاستئناف
window-paused-until = موقوفة حتى { $time }
window-paused-until-resumed = موقوفة حتى الاستئناف
overview-heading = الخدمات
overview-empty = لا توجد أي خدمة مراقَبة بعد: أضف خدمة إلى ملف الإعدادات.
overview-ungrouped = خدمات أخرى
overview-col-service = الخدمة
overview-col-state = الحالة
overview-col-latency = زمن الاستجابة
overview-col-uptime-24h = التشغيل خلال 24 ساعة
overview-col-uptime-7d = التشغيل خلال 7 أيام
overview-col-uptime-30d = التشغيل خلال 30 يومًا
overview-col-sparkline = آخر 24 ساعة
overview-col-actions = الإجراءات
overview-for = منذ { $duration }
overview-sparkline = زمن الاستجابة خلال آخر 24 ساعة، من { $min } إلى { $max }
overview-sparkline-none = لا توجد قياسات لزمن الاستجابة خلال آخر 24 ساعة
action-check-now = افحص الآن
action-check-all = افحص الكل الآن
action-pause-15-min = أوقف 15 دقيقة
action-pause-1-hour = أوقف ساعة
action-pause-until-resumed = أوقف حتى الاستئناف
action-resume = استأنف
action-resume-all = استأنف الكل
action-pause-all = أوقف الكل (ساعة)
action-done = تم.
watch-heading-since = { $state } منذ { $time } ({ $duration })
watch-last-check = آخر فحص { $time }: { $latency }
watch-range = المدة
range-1h = ساعة
range-24h = 24 ساعة
range-7d = 7 أيام
range-30d = 30 يومًا
range-90d = 90 يومًا
watch-latency-heading = زمن الاستجابة حسب المرحلة
watch-latency-source = كل نقطة هي متوسط { $duration }.
watch-latency-empty = لا يوجد أي فحص في هذه المدة.
phase-dns = البحث عن الاسم ({ -dns })
phase-connect = الاتصال
phase-tls = المصافحة الآمنة ({ -tls })
phase-ttfb = زمن وصول أول بايت
watch-days-heading = التوفر يومًا بيوم (آخر 90 يومًا، بالتوقيت المحلي)
day-state-up = تعمل
day-state-degraded = أداء متراجع
day-state-down = متوقفة
day-state-not_monitored = بلا مراقبة
watch-day = { $date }: { $state }، نسبة التشغيل { $uptime }
watch-incidents-heading = الحوادث (آخر 90 يومًا)
watch-incidents-empty = لا توجد أي حادثة خلال آخر 90 يومًا.
incident-col-start = البداية
incident-col-duration = المدة
incident-col-kind = النوع
incident-col-cause = السبب
incident-ongoing = { $duration }، ولا تزال مستمرة
incident-kind-down = توقف
incident-kind-degraded = تراجع في الأداء
incident-kind-unstable = عدم استقرار
watch-log-heading = سجل الفحوص
watch-log-empty = لم يُخزَّن أي فحص بعد.
log-col-time = الوقت
log-col-status = النتيجة
log-col-latency = الإجمالي
log-col-layer = الطبقة
log-col-detail = التفاصيل
log-col-address = العنوان
log-col-http = { -http }
log-not-judged = غير محتسب
log-more = فحوص أقدم
incidents-more = حوادث أقدم
check-status-up = تعمل
check-status-degraded = أداء متراجع
check-status-down = متوقفة
watch-copy-diagnosis = انسخ التشخيص
watch-copied = نُسخ إلى الحافظة.
watch-copy-failed = الحافظة غير متاحة: النص محدَّد، انسخه بالضغط على Ctrl+C.
diagnosis-head = { $name }: { $state } منذ { $time } ({ $duration })
diagnosis-last = آخر فحص { $time }: { $status }، { $latency }
diagnosis-phases = { -dns } { $dns }، الاتصال { $connect }، { -tls } { $tls }، أول بايت { $ttfb }
diagnosis-failure = { $layer }: { $detail }
diagnosis-incident = حادثة مفتوحة منذ { $time }: { $cause }
diagnosis-verdict = الاتصال: { $verdict }
timeline-heading = الحوادث في جميع الخدمات
timeline-empty = لا توجد أي حادثة في هذه المدة.
timeline-offline = كنتَ غير متصل
timeline-together = { $count ->
    [two] خدمتان في الوقت نفسه
    [few] { $count } خدمات في الوقت نفسه
   *[other] { $count } خدمة في الوقت نفسه
}
timeline-group-outage = { $group }: { $count ->
    [two] خدمتان في الوقت نفسه
    [few] { $count } خدمات في الوقت نفسه
   *[other] { $count } خدمة في الوقت نفسه
}
timeline-incident = { $name }: { $kind } منذ { $start }، { $duration }
timeline-legend = يُبرز الشريط المظلَّل الخدمات التي تعطلت في الوقت نفسه: عطل لدى مزوّد واحد، أو في اتصالك أنت.
