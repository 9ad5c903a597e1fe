using System;
using System.Collections.Generic;

namespace Top.Api.Request
{
    /// <summary>
    /// TOP API: taobao.demo.broken.get
    /// </summary>
    public class DemoBrokenGetRequest : BaseTopRequest<DemoBrokenGetResponse>
    {
        public Nullable<long> Id { get; set; }

        public override string GetApiName()
        {
            return "taobao.demo.broken.get;
        }
    }
}
