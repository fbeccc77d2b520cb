//! A deterministic generator of synthetic articles for benchmarks: mixed Chinese/English
//! technical text in the JSON Lines import format.
//!
//! Shared by `examples/gen_corpus.rs` and the benches (`#[path = "../examples/corpus/mod.rs"]`).
//! Everything is drawn from a small built-in PRNG, so a (seed, count) pair always produces the
//! same bytes. Words are drawn from Zipf-like distributions, so a few words (数据) are in almost
//! every article and most are rare; each article also has a topic (its first tag) whose
//! vocabulary, products and commands it prefers.

#![allow(dead_code)]

use std::fmt::Write as _;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use serde::Serialize;

/// Bodies have between [`MIN_CHARS`] and [`MAX_CHARS`] characters, ~1,500 on average.
pub const MIN_CHARS: usize = 600;
pub const MAX_CHARS: usize = 3000;

/// The default seed of `gen_corpus` and the benches.
pub const DEFAULT_SEED: u64 = 20_250_601;

/// One generated article, serialised in the import format.
#[derive(Debug, Clone, Serialize)]
pub struct Article {
    pub id: String,
    pub title: String,
    pub body: String,
    pub tags: Vec<String>,
    pub author: String,
    pub published: String,
    pub views: u64,
}

/// SplitMix64: tiny, fast, and good enough for text.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [0, n).
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    /// Uniform in [lo, hi].
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub fn pick(&mut self, items: &[&'static str]) -> &'static str {
        items[self.below(items.len())]
    }

    /// Approximately standard normal (Irwin–Hall with 4 uniforms, rescaled).
    pub fn normal(&mut self) -> f64 {
        let s: f64 = (0..4).map(|_| self.unit()).sum();
        (s - 2.0) * 3f64.sqrt()
    }
}

/// A Zipf-like distribution over ranks `0..n`: P(k) ∝ 1 / (k + 1 + q)^s.
#[derive(Debug, Clone)]
pub struct Zipf {
    cum: Vec<f64>,
}

impl Zipf {
    pub fn new(n: usize, s: f64, q: f64) -> Self {
        let mut cum = Vec::with_capacity(n);
        let mut total = 0.0;
        for k in 0..n {
            total += 1.0 / (k as f64 + 1.0 + q).powf(s);
            cum.push(total);
        }
        for c in &mut cum {
            *c /= total;
        }
        Zipf { cum }
    }

    pub fn sample(&self, rng: &mut Rng) -> usize {
        let u = rng.unit();
        self.cum
            .partition_point(|&c| c <= u)
            .min(self.cum.len() - 1)
    }
}

/// A word list with its Zipf distribution (the list is in order of popularity).
struct Ranked {
    words: &'static [&'static str],
    zipf: Zipf,
}

impl Ranked {
    fn new(words: &'static [&'static str], s: f64, q: f64) -> Self {
        Ranked {
            words,
            zipf: Zipf::new(words.len(), s, q),
        }
    }

    fn draw(&self, rng: &mut Rng) -> &'static str {
        self.words[self.zipf.sample(rng)]
    }

    /// `draws` samples without duplicates: the words one article uses.
    fn active(&self, rng: &mut Rng, draws: usize) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::with_capacity(draws);
        for _ in 0..draws {
            let w = self.draw(rng);
            if !out.contains(&w) {
                out.push(w);
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------------------------
// Vocabulary. Lists are in order of popularity (most frequent first).

/// Nouns (and words used as nouns), most frequent first.
#[rustfmt::skip]
const NOUNS: &[&str] = &[
    "数据", "服务", "配置", "系统", "问题", "集群", "节点", "性能", "日志", "接口", "任务",
    "请求", "版本", "内存", "线程", "消息", "缓存", "状态", "索引", "连接", "文件", "进程",
    "参数", "磁盘", "网络", "业务", "延迟", "用户", "事务", "分区", "队列", "资源", "容器",
    "实例", "副本", "模块", "组件", "脚本", "数据库", "客户端", "服务端", "字段", "表结构",
    "主键", "超时", "异常", "告警", "指标", "吞吐量", "并发", "负载", "存储", "快照", "备份",
    "元数据", "权限", "端口", "路由", "网关", "依赖", "插件", "镜像", "环境变量", "堆内存",
    "连接池", "线程池", "执行计划", "偏移量", "消费组", "生产者", "消费者", "检查点", "作业",
    "调度", "序列化", "协议", "心跳", "一致性", "可用性", "链路", "报表", "字符集", "时区",
    "页面", "样式", "事件", "回调", "框架", "注册中心", "配置中心", "证书", "域名", "带宽",
    "主题", "算子", "窗口", "水位线", "批处理", "流处理", "死锁", "慢查询", "故障", "瓶颈",
    "内核", "句柄", "文件描述符", "锁", "数据源", "数据源连接", "校验和", "上下游", "库存",
    "订单", "账户", "会话", "令牌", "密钥", "哈希", "分片", "主节点", "从节点", "选举", "租约",
    "缓冲区", "背压", "水位", "阈值", "重试次数", "超时时间", "时间窗口", "采样率", "堆栈",
    "火焰图", "调用链", "埋点", "看板", "表空间", "分库分表", "冷数据", "热数据", "数据仓库",
    "数据湖", "宽表", "明细表", "维表", "物化视图", "分桶", "压缩比", "列存", "行存", "编码",
    "精度", "浮点数", "时间戳", "幂等性", "重复数据", "脏数据", "孤儿进程", "僵尸进程",
    "守护进程", "定时任务", "灰度环境", "生产环境", "测试环境", "预发环境", "运维", "开发同学",
    "值班", "工单", "复盘", "预案", "根因", "现象", "结论", "经验",
];

/// Verbs (and verbal nouns), most frequent first.
#[rustfmt::skip]
const VERBS: &[&str] = &[
    "处理", "配置", "查询", "同步", "优化", "部署", "监控", "排查", "写入", "读取", "更新",
    "恢复", "启动", "调整", "分析", "定位", "验证", "测试", "升级", "迁移", "扩容", "重启",
    "删除", "提交", "加载", "解析", "发布", "消费", "订阅", "备份", "清理", "压缩", "合并",
    "拆分", "切换", "回滚", "编译", "打包", "注册", "采集", "汇总", "导入", "导出", "复制",
    "校验", "重建", "释放", "分配", "阻塞", "等待", "触发", "堆积", "积压", "丢失", "泄漏",
    "超时", "重试", "限流", "熔断", "降级", "压测", "缩容", "还原", "预热", "刷新", "淘汰",
    "过期", "续约", "选举", "对齐", "回放", "补偿", "去重", "聚合", "关联", "过滤", "排序",
    "分页", "埋点", "告警", "巡检", "灰度", "下线", "隔离", "摘除", "漂移", "抖动",
];

/// Set phrases of two words, most frequent first (several are benchmark queries).
#[rustfmt::skip]
const COMPOUNDS: &[&str] = &[
    "性能优化", "高可用", "监控告警", "数据一致性", "容量规划", "故障演练", "数据同步",
    "链路追踪", "资源隔离", "灰度发布", "水平扩展", "读写分离", "故障恢复", "数据迁移",
    "连接超时", "接口超时", "批量写入", "流量削峰", "热点数据", "任务调度", "内存泄漏",
    "数据校验", "权限控制", "容灾演练", "异地多活", "消息积压", "主从延迟", "数据备份",
    "分布式事务", "分布式锁", "缓存穿透", "数据丢失", "重复消费", "全量同步", "增量同步",
    "故障转移", "全表扫描", "索引失效", "数据倾斜", "冷热分离", "服务降级", "配置漂移",
    "线程阻塞", "频繁 GC", "磁盘写满", "句柄泄漏", "证书过期", "依赖冲突", "时钟回拨",
    "备份恢复", "日志采集", "指标采集", "长事务", "锁等待", "死锁检测", "消息重试", "消费延迟",
    "集群扩容", "节点下线", "副本同步", "数据回溯", "离线计算", "实时计算", "状态管理",
    "恢复演练", "端口冲突", "版本冲突", "顺序消息", "延迟消息", "死信队列", "缓存雪崩",
    "缓存击穿", "大 key", "小文件", "滚动升级", "慢查询日志",
];

#[rustfmt::skip]
const ADJECTIVES: &[&str] = &[
    "明显", "异常", "稳定", "缓慢", "频繁", "大量", "偶发", "持续", "正常", "不稳定", "偏高",
    "偏低", "过大", "过小", "飙升", "下降",
];

#[rustfmt::skip]
const CONNECTIVES: &[&str] = &[
    "首先", "然后", "因此", "不过", "另外", "通常", "实际上", "需要注意的是", "简单来说",
    "换句话说", "一般来说", "最后", "其次", "同时", "事实上", "总的来说", "顺便说一句",
];

/// Products and projects mentioned outside an article's own topic, most frequent first.
#[rustfmt::skip]
const PRODUCTS: &[&str] = &[
    "MySQL", "Redis", "Kafka", "Linux", "Docker", "SpringBoot", "Flink", "Kubernetes", "Nginx",
    "ElasticSearch", "Java", "ClickHouse", "DorisDB", "Spark", "Hive", "ZooKeeper", "Python",
    "RocketMQ", "PostgreSQL", "HBase", "Nacos", "Tomcat", "Netty", "MyBatis", "Golang",
    "RabbitMQ", "Dubbo", "Mongo", "Oracle", "Hadoop", "Prometheus", "Grafana", "Logstash",
    "Kibana", "Datax", "SeaTunnel", "Etcd", "Consul", "VUE", "ReactJS", "NodeJS", "Superset",
    "Jenkins", "GitLab", "Arthas", "Canal", "Debezium", "MinIO", "Sqoop", "Impala",
];

#[rustfmt::skip]
const VERSIONS: &[&str] = &[
    "2.x", "3.x", "1.17", "1.18", "2.8.1", "3.4", "5.7", "8.0", "7.10", "6.2", "1.14", "2.0",
    "3.0.2", "0.9", "11", "17", "21", "1.20", "3.2.1", "4.0",
];

/// Title templates: `{P}` product, `{N}` noun, `{V}` verb, `{C}` compound, `{K}` count, `{R}`
/// version.
#[rustfmt::skip]
const TITLES: &[&str] = &[
    "{P} {C}排查实录", "{P}{N}{V}：从{N}到{N}", "一次 {P} {C}的{N}{V}过程",
    "{P} 中{N}{V}的 {K} 个坑", "{P} {N}{V}实践与{N}总结", "如何在 {P} 里{V}{N}",
    "{P} {R} {N}{V}指南", "记一次线上{C}问题", "{P} 与 {P}：{N}{V}方案对比",
    "{C}：{P} {N}{V}详解", "从 {C} 说起：{P} 的{N}机制", "{P} {N}{V}失败？看这一篇就够了",
    "生产环境 {P} {C}与{C}实战", "{P} 源码阅读：{N}是怎么{V}的", "{N}{V}慢？{P} {N}调优笔记",
    "深入理解 {P} 的{N}与{N}",
];

#[rustfmt::skip]
const HEADINGS: &[&str] = &[
    "## 问题现象", "## 排查过程", "## 原因分析", "## 解决方案", "## 参考配置", "## 小结",
    "## 背景", "## 复现步骤", "## 验证结果", "## 踩坑记录", "## {N}{V}", "## {C}的原因",
    "## 第一步：{V}{N}", "## 第二步：{V}{N}", "## 如何{V}{N}", "## {P} 的{N}", "### {N}与{N}",
    "### 关于 `{KEY}`",
];

/// Sentence templates: the slots above plus `{A}` adjective, `{D}` connective, `{I}`
/// identifier, `{KEY}` configuration key, `{CMD}` inline command, `{U}` a number with a unit.
#[rustfmt::skip]
const SENTENCES: &[&str] = &[
    "{D}，{P} 的{N}{V}之后，{N}{A}。", "在 {P} 的{N}里，{N}和{N}需要单独{V}。",
    "如果{N}出现{C}，应该先检查 `{I}` 的{N}。",
    "我们把{N}从 {U} 调整到 {U}，{N}的{N}下降了一半。",
    "{C}通常是由{N}{A}引起的，{D}要结合{N}一起{V}。", "这次{N}{V}的根本原因是{N}没有及时{V}。",
    "{P} 官方文档里对{N}的说明比较简略，实际{V}时要注意{N}。",
    "执行 `{CMD}` 可以看到当前{N}的{N}。",
    "{N}{V}失败时，{P} 会把{N}写入日志，关键字是 `{I}`。",
    "对于{C}的场景，推荐先{V}{N}，而不是直接{V}{N}。",
    "线上 {K} 个节点里有一个{N}{A}，导致整体{N}{A}。",
    "{D}，{C}和{C}是两个不同的问题，不要混在一起{V}。",
    "`{I}` 在{N}{V}时会持有{N}，如果{N}过大就会{V}。", "经过{V}，{N}从 {U} 降到了 {U}。",
    "这里的{N}指的是 {P} 里的{N}，不是{N}。", "{N}、{N}和{N}三者之间的关系决定了{N}能否{V}。",
    "为了避免{C}，`{I}` 增加了{N}{V}的逻辑。", "{D}，{P} {R} 之后默认开启了{N}{V}。",
    "很多人遇到{C}的第一反应是{V}{N}，但这往往治标不治本。",
    "{N}的{N}可以通过 `{KEY}` 控制，默认值是 {U}。",
    "从{N}上看，{N}在凌晨 {K} 点左右开始{A}，同一时间{N}也在{V}。",
    "{P} 和 {P} 之间的{N}{V}依赖{N}，一旦{N}{V}就会出现{C}。",
    "我们在{N}上{V}了 {K} 次，{N}都能稳定{V}。",
    "{D}，{N}{V}是异步的，{N}返回成功并不代表{N}已经{V}。",
    "把 `{KEY}` 设为 {U} 以后，{C}再也没有出现过。",
    "{N}{V}的耗时主要花在{N}上，{N}本身只占很小一部分。",
    "{D}，{P} 的{N}和 {P} 的{N}语义并不相同。",
    "用 `{I}` 包装了一层之后，{N}{V}和{N}{V}可以并行进行。",
    "{C}发生后，{N}会自动{V}，一般不需要人工介入。",
    "这个{N}在 {P} {R} 里已经修复，升级后{N}{V}不再{A}。",
    "{N}{A}的时候，先看{N}，再看{N}，最后才是{N}。",
    "每次{V}前都要做一次{N}{V}，这是我们踩过坑之后定下的规矩。",
    "{D}，数据{V}和数据{V}最好放在同一个{N}里完成。",
    "表面上是{N}的问题，实际上是{N}{V}导致的{C}。",
];

/// Categories (by taxonomy name) with their topic vocabulary: Chinese words, English terms,
/// identifiers' stems and commands.
struct Topic {
    category: &'static str,
    words: &'static [&'static str],
    terms: &'static [&'static str],
    commands: &'static [&'static str],
    keys: &'static [&'static str],
    lang: &'static str,
    /// Set phrases typical of the topic.
    compounds: &'static [&'static str],
}

#[rustfmt::skip]
const TOPICS: &[Topic] = &[
    Topic {
        category: "前端技术",
        words: &[
            "页面", "元素", "样式", "布局", "选择器", "事件", "回调", "渲染", "重排", "兼容性",
            "浏览器", "动画", "表单", "弹窗", "事件循环",
        ],
        terms: &[
            "DOM", "flex", "Promise", "async/await", "fetch", "Grid", "viewport", "Safari",
            "Chrome DevTools",
        ],
        commands: &[
            "npx prettier --check src", "npm run lint", "node --inspect app.js",
            "npx eslint --fix .",
        ],
        keys: &[
            "min-width", "z-index", "overflow", "position: sticky",
        ],
        lang: "javascript",
        compounds: &[
            "页面卡顿", "样式错乱", "事件冒泡", "内存泄漏", "首屏加载", "兼容性问题",
            "跨域请求",
        ],
    },
    Topic {
        category: "前端框架和UI库",
        words: &[
            "组件", "响应式", "路由", "状态管理", "生命周期", "指令", "插槽", "表格",
            "虚拟列表", "打包", "主题", "按需加载",
        ],
        terms: &[
            "props", "setup", "useEffect", "webpack", "vite", "npm", "StrictMode", "v-model",
            "Pinia",
        ],
        commands: &[
            "npm install --save-dev vite", "npm run build", "yarn why lodash",
            "npx vite build --mode production",
        ],
        keys: &[
            "base", "publicPath", "build.rollupOptions", "resolve.alias",
        ],
        lang: "javascript",
        compounds: &[
            "组件通信", "状态管理", "路由跳转", "按需加载", "表格卡顿", "打包体积", "白屏问题",
        ],
    },
    Topic {
        category: "服务端和客户端",
        words: &[
            "线程", "协程", "垃圾回收", "堆内存", "泛型", "并发", "序列化", "编译", "运行时",
            "类加载", "对象池", "栈溢出",
        ],
        terms: &[
            "JVM", "GC", "goroutine", "pprof", "jstack", "jmap", "CompletableFuture", "asyncio",
            "G1", "ZGC",
        ],
        commands: &[
            "jstack -l 12345 > stack.txt", "jmap -histo:live 12345 | head -30",
            "go tool pprof http://127.0.0.1:6060/debug/pprof/heap",
            "python -m cProfile -o out.prof main.py",
        ],
        keys: &[
            "-Xmx4g", "-XX:MaxGCPauseMillis", "GOMAXPROCS", "-XX:+HeapDumpOnOutOfMemoryError",
        ],
        lang: "java",
        compounds: &[
            "内存泄漏", "频繁 GC", "线程阻塞", "死锁检测", "协程泄漏", "性能优化", "CPU 飙高",
        ],
    },
    Topic {
        category: "后端WEB和工程框架",
        words: &[
            "依赖注入", "注解", "拦截器", "过滤器", "连接池", "网关", "服务注册", "构建",
            "自动配置", "启动类", "切面", "序列化器",
        ],
        terms: &[
            "Bean", "@Transactional", "pom.xml", "build.gradle", "RestTemplate", "Feign",
            "HikariCP", "application.yml",
        ],
        commands: &[
            "mvn dependency:tree -Dincludes=com.fasterxml", "./gradlew build --scan",
            "mvn clean package -DskipTests", "java -jar app.jar --spring.profiles.active=prod",
        ],
        keys: &[
            "spring.datasource.hikari.maximum-pool-size", "server.tomcat.threads.max",
            "dubbo.consumer.timeout", "spring.cloud.gateway.routes",
        ],
        lang: "java",
        compounds: &[
            "依赖冲突", "接口超时", "分布式事务", "服务降级", "连接超时", "灰度发布",
            "循环依赖",
        ],
    },
    Topic {
        category: "数据库",
        words: &[
            "索引", "慢查询", "执行计划", "事务", "锁", "主从", "复制", "表空间", "备份",
            "恢复", "死锁", "隔离级别", "回表", "覆盖索引",
        ],
        terms: &[
            "binlog", "EXPLAIN", "InnoDB", "mysqldump", "oplog", "redo log", "undo log", "GTID",
            "AWR",
        ],
        commands: &[
            "mysqldump --single-transaction --all-databases > full.sql",
            "mysqlbinlog --start-datetime='2024-01-01 00:00:00' binlog.000123",
            "SHOW ENGINE INNODB STATUS", "mongodump --oplog --out /backup",
        ],
        keys: &[
            "innodb_buffer_pool_size", "max_connections", "binlog_format", "long_query_time",
        ],
        lang: "sql",
        compounds: &[
            "慢查询日志", "索引失效", "主从延迟", "数据备份", "备份恢复", "数据丢失", "长事务",
            "锁等待", "全表扫描", "故障恢复",
        ],
    },
    Topic {
        category: "中间件与web容器",
        words: &[
            "消息", "积压", "消费者", "生产者", "分区", "偏移量", "重平衡", "缓存", "过期",
            "淘汰", "持久化", "哨兵", "反向代理", "负载均衡", "连接数",
        ],
        terms: &[
            "topic", "broker", "offset", "consumer group", "upstream", "maxmemory", "AOF",
            "RDB", "ISR", "KRaft",
        ],
        commands: &[
            "kafka-consumer-groups.sh --bootstrap-server kafka01:9092 --describe --group order_sync",
            "redis-cli --bigkeys", "redis-cli info memory", "nginx -t && nginx -s reload",
            "sh bin/mqadmin consumerProgress -n 127.0.0.1:9876",
        ],
        keys: &[
            "max.poll.records", "session.timeout.ms", "maxmemory-policy", "proxy_read_timeout",
            "fetch.max.bytes",
        ],
        lang: "bash",
        compounds: &[
            "消息积压", "重复消费", "顺序消息", "延迟消息", "死信队列", "缓存穿透", "缓存雪崩",
            "缓存击穿", "大 key", "消费延迟", "分布式锁",
        ],
    },
    Topic {
        category: "大数据技术",
        words: &[
            "作业", "任务", "算子", "状态", "检查点", "水位线", "窗口", "数据倾斜", "小文件",
            "分区表", "同步", "物化视图", "导入", "数仓",
        ],
        terms: &[
            "checkpoint", "RocksDB", "TaskManager", "Stream Load", "MergeTree", "HDFS", "YARN",
            "Broker Load", "shuffle",
        ],
        commands: &[
            "flink run -d -p 8 -c com.demo.OrderJob order-job.jar",
            "hdfs dfs -du -h /user/hive/warehouse",
            "spark-submit --master yarn --deploy-mode cluster app.py",
            "curl --location-trusted -u root: -T data.csv http://fe:8030/api/db/tbl/_stream_load",
        ],
        keys: &[
            "execution.checkpointing.interval", "state.backend",
            "taskmanager.memory.process.size", "spark.sql.shuffle.partitions",
            "max_insert_block_size",
        ],
        lang: "sql",
        compounds: &[
            "数据同步", "数据倾斜", "小文件", "状态管理", "实时计算", "离线计算", "故障恢复",
            "全量同步", "增量同步", "数据一致性", "数据导入",
        ],
    },
    Topic {
        category: "数据搜索与日志",
        words: &[
            "分片", "映射", "分词", "聚合", "采集", "管道", "模板", "集群健康", "倒排索引",
            "段合并",
        ],
        terms: &[
            "mapping", "shard", "IK", "pipeline", "grok", "refresh_interval", "bulk",
            "Filebeat",
        ],
        commands: &[
            "curl -s localhost:9200/_cat/shards?v",
            "curl -XPOST localhost:9200/logs-*/_forcemerge?max_num_segments=1",
            "bin/logstash -f pipeline.conf --config.test_and_exit",
        ],
        keys: &[
            "index.refresh_interval", "number_of_replicas", "pipeline.workers",
            "indices.memory.index_buffer_size",
        ],
        lang: "json",
        compounds: &[
            "日志采集", "分片不均", "集群变红", "写入拒绝", "深度分页", "索引膨胀",
        ],
    },
    Topic {
        category: "数据可视化与OLAP",
        words: &[
            "报表", "看板", "指标", "维度", "血缘", "元数据", "多维分析", "图表", "数据源",
            "权限",
        ],
        terms: &[
            "cube", "dashboard", "SQL Lab", "MDX", "Hook", "lineage",
        ],
        commands: &[
            "superset db upgrade", "superset init", "atlas_start.py",
            "docker compose up -d superset",
        ],
        keys: &[
            "SQLALCHEMY_DATABASE_URI", "ROW_LIMIT", "atlas.graph.storage.backend",
        ],
        lang: "yaml",
        compounds: &[
            "指标口径", "数据血缘", "权限控制", "报表卡顿", "数据同步",
        ],
    },
    Topic {
        category: "系统与容器",
        words: &[
            "容器", "镜像", "进程", "磁盘", "网络", "内核", "文件句柄", "资源限制", "调度",
            "探针", "滚动更新", "命名空间", "交换分区",
        ],
        terms: &[
            "kubectl", "Pod", "cgroup", "systemd", "OOMKilled", "iptables", "Deployment",
            "inode",
        ],
        commands: &[
            "kubectl get pods -n prod -o wide", "kubectl describe pod order-api-7d9f -n prod",
            "docker logs -f --tail 200 order-api", "df -ih",
            "journalctl -u kubelet --since '1 hour ago'", "lsof -p 12345 | wc -l",
        ],
        keys: &[
            "resources.limits.memory", "livenessProbe.initialDelaySeconds", "vm.swappiness",
            "fs.file-max",
        ],
        lang: "bash",
        compounds: &[
            "磁盘写满", "句柄泄漏", "端口冲突", "资源隔离", "滚动升级", "证书过期", "故障转移",
            "节点下线",
        ],
    },
];

/// Tags in order of popularity (all 84 taxonomy tags; checked against the taxonomy).
#[rustfmt::skip]
const TAG_POPULARITY: &[&str] = &[
    "Java", "MySQL", "Redis", "SpringBoot", "Linux", "Kafka", "Docker", "Python", "Flink",
    "Kubernetes", "Nginx", "Javascript", "VUE", "ElasticSearch", "Golang", "Spark",
    "ClickHouse", "DorisDB", "Hive", "MyBatis", "SpringCloud", "ZooKeeper", "RocketMQ", "Shell",
    "NodeJS", "ReactJS", "PostgreSQL", "HBase", "Nacos", "Tomcat", "RabbitMQ", "Netty", "Dubbo",
    "Maven", "Mongo", "Oracle", "Hadoop", "CSS", "HTML", "JSON", "Logstash", "Kibana", "Datax",
    "Etcd", "Element-UI", "Gradle", "Go Gin", "Scala", "Kotlin", "c++", "PHP", "Consul",
    "SeaTunnel", "Superset", "Impala", "Sqoop", "ActiveMQ", "MemCache", "Cassandra",
    "Greenplum", "Kylin", "Apache Lucene", "Apache Solr", "JQuery", "AngularJS", "Bootstrap",
    "Material UI", ".net", "c#", "Ruby", "Lua", "Groovy", "Hibernate", "Struts2", "HessianRPC",
    "Beego", "Go-Spring", "Go Iris", "Tornado", "Apache Pig", "Mahout", "Apache Atlas", "Saiku",
    "Tesseract",
];

const REPOST_TAG: &str = "转载文章";

#[rustfmt::skip]
const AUTHOR_HEADS: &[&str] = &[
    "月影", "风起", "青萍", "山河", "星辰", "晚风", "流云", "南山", "北海", "青衫", "白露",
    "秋水", "长安", "江南", "微光", "远方", "落叶", "听雨", "观澜", "数据",
];
#[rustfmt::skip]
const AUTHOR_TAILS: &[&str] = &[
    "清风", "客", "居士", "小记", "笔记", "老王", "阿杰", "同学", "搬运工", "的运维笔记",
];

#[rustfmt::skip]
const ID_HEADS: &[&str] = &[
    "Order", "User", "Payment", "Inventory", "Netty", "Kafka", "Flink", "Redis", "Doris",
    "Click", "Spring", "Data", "Sync", "Backup", "Cache", "Message", "Event", "Stream", "Batch",
    "Job", "Task", "Config", "Gateway", "Auth", "Report", "Metric", "Log", "Index", "Search",
    "Schedule",
];
#[rustfmt::skip]
const ID_TAILS: &[&str] = &[
    "Server", "Client", "Consumer", "Producer", "Handler", "Service", "Manager", "Job", "Task",
    "Listener", "Config", "Factory", "Repository", "Controller", "Executor", "Worker", "Pool",
    "Sink", "Source", "Filter", "Interceptor", "Processor", "Util", "Mapper",
];
#[rustfmt::skip]
const SNAKE_HEADS: &[&str] = &[
    "order", "user", "payment", "inventory", "coupon", "member", "report", "audit", "metric",
    "event", "sync", "backup",
];
#[rustfmt::skip]
const SNAKE_TAILS: &[&str] = &[
    "sync_job", "detail", "log", "event", "topic", "group", "queue", "snapshot", "daily", "dim",
    "fact", "task",
];

#[rustfmt::skip]
const UNITS: &[&str] = &[
    "ms", "s", "GB", "MB", "%", " 万条", " QPS", " 个", " 分钟", " 核",
];

// ---------------------------------------------------------------------------------------------

/// Writes `count` articles to `out` as JSON Lines; returns the number of bytes written.
pub fn write_jsonl(path: &Path, count: usize, seed: u64) -> io::Result<u64> {
    let file = std::fs::File::create(path)?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    let mut g = Generator::new(seed, count);
    let mut bytes = 0u64;
    let mut line = Vec::with_capacity(16 * 1024);
    while let Some(a) = g.next_article() {
        line.clear();
        serde_json::to_writer(&mut line, &a).map_err(io::Error::other)?;
        line.push(b'\n');
        bytes += line.len() as u64;
        w.write_all(&line)?;
    }
    w.flush()?;
    Ok(bytes)
}

/// The generator: an iterator over `count` articles.
pub struct Generator {
    rng: Rng,
    count: usize,
    next: usize,
    nouns: Ranked,
    verbs: Ranked,
    compounds: Ranked,
    products: Ranked,
    tags: Ranked,
    authors: Zipf,
    id_heads: Zipf,
    id_tails: Zipf,
    first_ts: i64,
    last_ts: i64,
}

/// Per-article context: its topic and main product.
///
/// An article draws its words from small "active" sets chosen per article from the Zipf-ranked
/// lists, as a real article keeps coming back to its own few dozen words: this makes document
/// frequencies Zipf-like (数据 in ~98% of articles, most words in few) and text bursty.
struct Ctx {
    topic: &'static Topic,
    product: &'static str,
    second: &'static str,
    nouns: Vec<&'static str>,
    topic_words: Vec<&'static str>,
    verbs: Vec<&'static str>,
    compounds: Vec<&'static str>,
}

impl Iterator for Generator {
    type Item = Article;
    fn next(&mut self) -> Option<Article> {
        self.next_article()
    }
}

impl Generator {
    pub fn new(seed: u64, count: usize) -> Self {
        Generator {
            rng: Rng::new(seed),
            count,
            next: 0,
            nouns: Ranked::new(NOUNS, 1.05, 1.0),
            verbs: Ranked::new(VERBS, 1.0, 1.0),
            compounds: Ranked::new(COMPOUNDS, 1.0, 2.0),
            products: Ranked::new(PRODUCTS, 1.0, 1.0),
            tags: Ranked::new(TAG_POPULARITY, 0.9, 2.0),
            authors: Zipf::new(AUTHOR_HEADS.len() * AUTHOR_TAILS.len(), 0.8, 3.0),
            id_heads: Zipf::new(ID_HEADS.len(), 1.0, 1.0),
            id_tails: Zipf::new(ID_TAILS.len(), 0.9, 1.0),
            // 2015-01-01 00:00:00 and 2025-12-31 23:59:59, as naive (local) seconds.
            first_ts: days_from_civil(2015, 1, 1) * 86_400,
            last_ts: days_from_civil(2026, 1, 1) * 86_400 - 1,
        }
    }

    pub fn next_article(&mut self) -> Option<Article> {
        if self.next >= self.count {
            return None;
        }
        let i = self.next;
        self.next += 1;
        Some(self.article(i))
    }

    fn article(&mut self, i: usize) -> Article {
        let tags = self.draw_tags();
        let product = tags[0].as_str();
        let product: &'static str = TAG_POPULARITY
            .iter()
            .copied()
            .find(|t| *t == product)
            .unwrap_or("Java");
        let topic = topic_of(product);
        let second = if self.rng.chance(0.5) {
            self.products.draw(&mut self.rng)
        } else {
            self.rng.pick(PRODUCTS)
        };
        let target = (1450.0 * (0.38 * self.rng.normal()).exp())
            .clamp(MIN_CHARS as f64, MAX_CHARS as f64) as usize;
        let nouns = self.nouns.active(&mut self.rng, 14 + target / 80);
        let verbs = self.verbs.active(&mut self.rng, 6 + target / 150);
        let mut compounds = Vec::new();
        for _ in 0..self.rng.range(1, 3) {
            compounds.push(self.rng.pick(topic.compounds));
        }
        for _ in 0..self.rng.range(0, 2) {
            compounds.push(self.compounds.draw(&mut self.rng));
        }
        let mut topic_words = Vec::new();
        for _ in 0..self.rng.range(3, 6) {
            topic_words.push(self.rng.pick(topic.words));
        }
        let ctx = Ctx {
            topic,
            product: display_product(product),
            second,
            nouns,
            topic_words,
            verbs,
            compounds,
        };
        let title = self.title(&ctx);
        let mut body = String::with_capacity(target * 3 + 256);
        if tags.iter().any(|t| t == REPOST_TAG) {
            let _ = write!(
                body,
                "> 本文转载自{}的博客，原文链接：https://blog.example.com/p/{}，如有侵权请联系删除。\n\n",
                self.author(),
                self.rng.range(10_000, 99_999)
            );
        }
        self.body(&ctx, target, &mut body);
        let author = self.author();
        // Chronological by id: article i falls in the i-th slice of the period.
        let span = (self.last_ts - self.first_ts) as f64;
        let lo = self.first_ts + (span * i as f64 / self.count as f64) as i64;
        let hi = self.first_ts + (span * (i + 1) as f64 / self.count as f64) as i64;
        let ts = lo + self.rng.below((hi - lo).max(1) as usize) as i64;
        let u = self.rng.unit();
        let views = (5000.0 * u.powi(4)) as u64;
        Article {
            id: format!("gen-{i:07}"),
            title,
            body,
            tags,
            author,
            published: format_ts(ts),
            views,
        }
    }

    fn draw_tags(&mut self) -> Vec<String> {
        let n = match self.rng.below(10) {
            0..=3 => 1,
            4..=8 => 2,
            _ => 3,
        };
        let mut tags: Vec<String> = Vec::with_capacity(n + 1);
        while tags.len() < n {
            let t = self.tags.draw(&mut self.rng);
            if !tags.iter().any(|x| x == t) {
                tags.push(t.to_owned());
            }
        }
        if self.rng.chance(0.06) {
            tags.push(REPOST_TAG.to_owned());
        }
        tags
    }

    fn author(&mut self) -> String {
        let k = self.authors.sample(&mut self.rng);
        // Spread ranks over heads and tails so that popular authors differ in both parts.
        let h = (k * 7) % AUTHOR_HEADS.len();
        let t = (k / AUTHOR_HEADS.len() + k) % AUTHOR_TAILS.len();
        format!("{}{}", AUTHOR_HEADS[h], AUTHOR_TAILS[t])
    }

    fn noun(&mut self, ctx: &Ctx) -> &'static str {
        if self.rng.chance(0.25) {
            self.rng.pick(&ctx.topic_words)
        } else {
            self.rng.pick(&ctx.nouns)
        }
    }

    fn verb(&mut self, ctx: &Ctx) -> &'static str {
        self.rng.pick(&ctx.verbs)
    }

    fn compound(&mut self, ctx: &Ctx) -> &'static str {
        self.rng.pick(&ctx.compounds)
    }

    fn product(&mut self, ctx: &Ctx) -> &'static str {
        let u = self.rng.unit();
        if u < 0.55 {
            ctx.product
        } else if u < 0.75 {
            ctx.second
        } else if u < 0.85 {
            self.rng.pick(ctx.topic.terms)
        } else {
            self.products.draw(&mut self.rng)
        }
    }

    fn identifier(&mut self, ctx: &Ctx) -> String {
        match self.rng.below(4) {
            0 => format!(
                "{}_{}",
                self.rng.pick(SNAKE_HEADS),
                self.rng.pick(SNAKE_TAILS)
            ),
            1 => {
                let p = ctx.product.replace([' ', '-', '.', '#', '+'], "");
                let tail = ID_TAILS[self.id_tails.sample(&mut self.rng)];
                format!("{p}{tail}")
            }
            _ => {
                let head = ID_HEADS[self.id_heads.sample(&mut self.rng)];
                let tail = ID_TAILS[self.id_tails.sample(&mut self.rng)];
                format!("{head}{tail}")
            }
        }
    }

    fn with_unit(&mut self, unit: &str) -> String {
        let n = match unit {
            "%" => self.rng.range(1, 99),
            "ms" => self.rng.range(2, 2000),
            _ => self.rng.range(1, 512),
        };
        format!("{n}{unit}")
    }

    /// Expands a template into `out`.
    fn fill(&mut self, ctx: &Ctx, template: &str, out: &mut String) {
        self.fill_as(ctx, template, out, false);
    }

    /// Expands a template; in a title `{P}` is the article's own product, then the second one.
    fn fill_as(&mut self, ctx: &Ctx, template: &str, out: &mut String, title: bool) {
        let mut rest = template;
        let mut products = 0;
        // One unit per sentence, so that "from 20ms to 300ms" compares like with like.
        let unit = self.rng.pick(UNITS);
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let close = open + rest[open..].find('}').expect("closed slot");
            match &rest[open + 1..close] {
                "N" => {
                    let w = self.noun(ctx);
                    out.push_str(w);
                }
                "V" => {
                    let w = self.verb(ctx);
                    out.push_str(w);
                }
                "C" => {
                    let w = self.compound(ctx);
                    out.push_str(w);
                }
                "P" if title => {
                    out.push_str(if products == 0 {
                        ctx.product
                    } else {
                        ctx.second
                    });
                    products += 1;
                }
                "P" => {
                    let p = self.product(ctx);
                    out.push_str(p);
                }
                "A" => out.push_str(self.rng.pick(ADJECTIVES)),
                "D" => out.push_str(self.rng.pick(CONNECTIVES)),
                "R" => out.push_str(self.rng.pick(VERSIONS)),
                "K" => {
                    let _ = write!(out, "{}", self.rng.range(2, 12));
                }
                "U" => {
                    let u = self.with_unit(unit);
                    out.push_str(&u);
                }
                "I" => {
                    let id = self.identifier(ctx);
                    out.push_str(&id);
                }
                "KEY" => out.push_str(self.rng.pick(ctx.topic.keys)),
                "CMD" => out.push_str(self.rng.pick(ctx.topic.commands)),
                other => panic!("unknown slot {other}"),
            }
            rest = &rest[close + 1..];
        }
        out.push_str(rest);
    }

    fn title(&mut self, ctx: &Ctx) -> String {
        let t = self.rng.pick(TITLES);
        let mut s = String::new();
        self.fill_as(ctx, t, &mut s, true);
        s
    }

    fn sentence(&mut self, ctx: &Ctx, out: &mut String) {
        let t = self.rng.pick(SENTENCES);
        self.fill(ctx, t, out);
    }

    fn paragraph(&mut self, ctx: &Ctx, out: &mut String) {
        let n = self.rng.range(2, 5);
        for _ in 0..n {
            self.sentence(ctx, out);
        }
        out.push_str("\n\n");
    }

    fn list(&mut self, ctx: &Ctx, out: &mut String) {
        let n = self.rng.range(2, 4);
        let numbered = self.rng.chance(0.5);
        for k in 1..=n {
            if numbered {
                let _ = write!(out, "{k}. ");
            } else {
                out.push_str("- ");
            }
            let t = self.rng.pick(&[
                "**{V}{N}**：{N}{V}之后再{V}{N}；",
                "{C}：检查 `{KEY}` 是否{A}；",
                "用 `{CMD}` 确认{N}{V}；",
                "{D}{V}{N}，避免{C}；",
            ]);
            self.fill(ctx, t, out);
            out.push('\n');
        }
        out.push('\n');
    }

    fn code(&mut self, ctx: &Ctx, out: &mut String) {
        let lang = if self.rng.chance(0.4) {
            "bash"
        } else {
            ctx.topic.lang
        };
        let _ = writeln!(out, "```{lang}");
        match lang {
            "bash" => {
                for _ in 0..self.rng.range(1, 3) {
                    let c = self.rng.pick(ctx.topic.commands);
                    let _ = writeln!(out, "{c}");
                }
            }
            "java" => {
                let cls = self.identifier(ctx);
                let field = self.identifier(ctx);
                let _ = writeln!(out, "@Component\npublic class {cls} {{");
                let _ = writeln!(
                    out,
                    "    private final {field} delegate;\n\n    public void handle(List<String> batch) {{"
                );
                let _ = writeln!(
                    out,
                    "        // {}{}前先{}{}\n        delegate.process(batch, Duration.ofMillis({}));",
                    self.noun(ctx),
                    self.verb(ctx),
                    self.verb(ctx),
                    self.noun(ctx),
                    self.rng.range(100, 5000)
                );
                let _ = writeln!(out, "    }}\n}}");
            }
            "sql" => {
                let t = format!(
                    "{}_{}",
                    self.rng.pick(SNAKE_HEADS),
                    self.rng.pick(SNAKE_TAILS)
                );
                let _ = writeln!(
                    out,
                    "-- {}{}\nSELECT id, status, updated_at FROM {t}\nWHERE updated_at >= '2024-0{}-01' AND status = {}\nORDER BY id LIMIT {};",
                    self.noun(ctx),
                    self.verb(ctx),
                    self.rng.range(1, 9),
                    self.rng.range(0, 3),
                    self.rng.range(100, 5000)
                );
            }
            "json" => {
                let key = self.rng.pick(ctx.topic.keys);
                let _ = writeln!(
                    out,
                    "{{\n  \"settings\": {{\n    \"{key}\": \"{}\",\n    \"number_of_shards\": {}\n  }}\n}}",
                    self.with_unit("ms"),
                    self.rng.range(1, 12)
                );
            }
            "yaml" => {
                let key = self.rng.pick(ctx.topic.keys);
                let _ = writeln!(
                    out,
                    "# {}{}\n{key}: {}\nretries: {}",
                    self.noun(ctx),
                    self.verb(ctx),
                    self.rng.range(1, 600),
                    self.rng.range(1, 10)
                );
            }
            _ => {
                let cls = self.identifier(ctx);
                let _ = writeln!(
                    out,
                    "const {} = await fetch('/api/{}');\nif (!{}.ok) throw new Error('{}');",
                    cls.to_lowercase(),
                    self.rng.pick(SNAKE_HEADS),
                    cls.to_lowercase(),
                    self.rng.pick(SNAKE_TAILS)
                );
            }
        }
        out.push_str("```\n\n");
    }

    /// Appends blocks until the body has `target` characters, never more than [`MAX_CHARS`].
    fn body(&mut self, ctx: &Ctx, target: usize, out: &mut String) {
        let mut chars = out.chars().count();
        self.paragraph(ctx, out);
        chars += out.chars().count() - chars;
        // Paragraphs end in a blank line that is trimmed at the end: count it out.
        while chars < target + 2 {
            let before = out.len();
            match self.rng.below(10) {
                0 | 1 => {
                    let h = self.rng.pick(HEADINGS);
                    self.fill(ctx, h, out);
                    out.push_str("\n\n");
                    self.paragraph(ctx, out);
                }
                2 => self.code(ctx, out),
                3 => self.list(ctx, out),
                _ => self.paragraph(ctx, out),
            }
            let added = out[before..].chars().count();
            if chars + added > MAX_CHARS {
                out.truncate(before);
                break;
            }
            chars += added;
        }
        while out.ends_with('\n') {
            out.pop();
        }
    }
}

fn topic_of(tag: &str) -> &'static Topic {
    let t = zhiku::taxonomy::taxonomy();
    let name = t
        .tag(tag)
        .map(|(_, ci)| t.categories[ci].name.as_str())
        .unwrap_or("服务端和客户端");
    TOPICS
        .iter()
        .find(|x| x.category == name)
        .unwrap_or(&TOPICS[2])
}

/// How a tag is written in running text.
fn display_product(tag: &'static str) -> &'static str {
    match tag {
        "Go Gin" => "Gin",
        "Go Iris" => "Iris",
        "Javascript" => "JavaScript",
        "VUE" => "Vue",
        "Mongo" => "MongoDB",
        "MemCache" => "Memcached",
        "c++" => "C++",
        "c#" => "C#",
        ".net" => ".NET",
        other => other,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

/// `YYYY-MM-DD HH:MM:SS` of naive seconds since the epoch.
pub fn format_ts(ts: i64) -> String {
    let (y, m, d) = civil_from_days(ts.div_euclid(86_400));
    let s = ts.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

/// Checks the built-in tag list against the taxonomy, and the date arithmetic.
pub fn self_check() -> Result<(), String> {
    let leap = format_ts(days_from_civil(2024, 2, 29) * 86_400 + 3661);
    if format_ts(0) != "1970-01-01 00:00:00" || leap != "2024-02-29 01:01:01" {
        return Err(format!("date arithmetic is wrong: {leap}"));
    }
    let t = zhiku::taxonomy::taxonomy();
    let all: Vec<&str> = t
        .categories
        .iter()
        .flat_map(|c| c.tags.iter().map(|t| t.name.as_str()))
        .collect();
    for tag in TAG_POPULARITY {
        if !all.contains(tag) {
            return Err(format!("{tag} is not a taxonomy tag"));
        }
    }
    for tag in &all {
        if !TAG_POPULARITY.contains(tag) {
            return Err(format!("taxonomy tag {tag} has no popularity rank"));
        }
    }
    Ok(())
}
